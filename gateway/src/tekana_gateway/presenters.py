"""Wallets, ledger entries and transactions as both API surfaces show them.

The legacy surface shows amounts as JSON numbers in major units (``9900.5``), exact because
they are written from ``Decimal``; /v1 shows ``{"amount_minor": int, "currency": "USD"}``.
Wallets, entries and transactions arrive as betterproto2 messages or, in pages, as upb messages
(``tekana_common.upb``): the presenters read only the fields both have.
"""

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from tekana_common.money import MINOR_UNITS, minor_to_major
from tekana_gateway import bodies
from tekana_protos.tekana.transaction import v1 as tx_pb
from tekana_protos.tekana.wallet import v1 as wallet_pb


class MoneyFields(Protocol):
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...


class WalletFields(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def account_number(self) -> str: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def type(self) -> int: ...
    @property
    def balance(self) -> MoneyFields | None: ...
    @property
    def created_at_us(self) -> int: ...


class EntryFields(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def transfer_id(self) -> str: ...
    @property
    def direction(self) -> int: ...
    @property
    def amount(self) -> MoneyFields: ...
    @property
    def balance_after(self) -> MoneyFields: ...
    @property
    def counterparty_account(self) -> str: ...
    @property
    def created_at_us(self) -> int: ...


class ActivityFields(Protocol):
    """A wallet with its latest entries in columns (``WalletActivity``)."""

    @property
    def wallet(self) -> WalletFields: ...
    @property
    def transfer_ids(self) -> Sequence[str]: ...
    @property
    def directions(self) -> Sequence[int]: ...
    @property
    def amounts_minor(self) -> Sequence[int]: ...


class RecentTransactionsFields(Protocol):
    """A wallet's latest transactions in columns (``RecentTransactions``)."""

    @property
    def ids(self) -> Sequence[str]: ...
    @property
    def sender_accounts(self) -> Sequence[str]: ...
    @property
    def receiver_accounts(self) -> Sequence[str]: ...
    @property
    def amounts_minor(self) -> Sequence[int]: ...
    @property
    def currencies(self) -> Sequence[str]: ...
    @property
    def statuses(self) -> Sequence[int]: ...
    @property
    def created_at_us(self) -> Sequence[int]: ...


class TransactionFields(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> int: ...
    @property
    def sender_account(self) -> str: ...
    @property
    def receiver_account(self) -> str: ...
    @property
    def amount(self) -> MoneyFields | None: ...
    @property
    def status(self) -> int: ...
    @property
    def failure_code(self) -> str: ...
    @property
    def initiator_id(self) -> int: ...
    @property
    def created_at_us(self) -> int: ...
    @property
    def completed_at_us(self) -> int: ...


class PageFields(Protocol):
    @property
    def has_more(self) -> bool: ...
    @property
    def next_after(self) -> str: ...


WALLET_TYPES: dict[int, str] = {
    wallet_pb.WalletType.SAVING: "saving",
    wallet_pb.WalletType.PERSONAL: "personal",
    wallet_pb.WalletType.LOAN: "loan",
    wallet_pb.WalletType.FUNDING: "funding",
}
WALLET_TYPE_FROM_NAME = {name: wallet_pb.WalletType(value) for value, name in WALLET_TYPES.items()}
WALLET_STATUSES = {wallet_pb.WalletStatus.ACTIVE: "active", wallet_pb.WalletStatus.FROZEN: "frozen"}
# Keyed by the enums' numbers, which both message classes carry.
DIRECTIONS: dict[int, str] = {
    wallet_pb.EntryDirection.DEBIT: "debit",
    wallet_pb.EntryDirection.CREDIT: "credit",
}
TX_STATUSES: dict[int, str] = {
    tx_pb.Status.PENDING: "pending",
    tx_pb.Status.COMPLETED: "completed",
    tx_pb.Status.FAILED: "failed",
}
TX_KINDS: dict[int, str] = {tx_pb.Kind.TRANSFER: "transfer", tx_pb.Kind.DEPOSIT: "deposit"}


def timestamp(micros: int) -> str | None:
    """ISO 8601 in UTC, as ``datetime.isoformat`` writes it (``...T08:00:00.123457+00:00``),
    exact to the microsecond. Built from a cached whole second: a history page writes 100 of
    these, and a ``datetime`` each cost half of the page's presenting."""
    if not micros:
        return None
    seconds, fraction = divmod(micros, 1_000_000)
    if fraction:
        return f"{_whole_second(seconds)}.{fraction:06d}+00:00"
    return f"{_whole_second(seconds)}+00:00"


@functools.lru_cache(maxsize=4096)
def _whole_second(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _currency(value: MoneyFields | None) -> str:
    return value.currency if value is not None else ""


# Minor units per major unit, by currency: 100 for USD, 1 for RWF.
_UNIT: dict[str, int] = {currency: 10**exponent for currency, exponent in MINOR_UNITS.items()}


def major(value: MoneyFields | None) -> Decimal | int:
    """Major units, as an int when whole (``100``) and an exact decimal otherwise."""
    if value is None or not value.currency:
        return 0
    return major_units(value.amount_minor, value.currency)


def major_units(amount_minor: int, currency: str) -> Decimal | int:
    # Whole amounts, most of them, need no Decimal (a page of entries shows 100 of them).
    whole, cents = divmod(amount_minor, _UNIT[currency])
    if not cents:
        return whole
    return minor_to_major(amount_minor, currency).normalize()


def v1_money(value: MoneyFields | None) -> bodies.MoneyV1:
    if value is None:
        return {"amount_minor": 0, "currency": ""}
    return {"amount_minor": value.amount_minor, "currency": value.currency}


def legacy_wallet(page: ActivityFields) -> bodies.WalletLegacy:
    wallet = page.wallet
    body: bodies.WalletLegacy = {
        "id": wallet.id,
        "accNumber": wallet.account_number,
        "customerId": wallet.owner_id,
        "walletType": WALLET_TYPES.get(wallet.type, ""),
        "balance": major(wallet.balance),
        "currency": _currency(wallet.balance),
        "createdAt": timestamp(wallet.created_at_us),
    }
    currency = body["currency"]
    activity: list[bodies.ActivityLog] = [
        {
            "transactionId": transfer_id,
            "action": DIRECTIONS[direction],
            "amount": major_units(amount, currency),
        }
        for transfer_id, direction, amount in zip(
            page.transfer_ids, page.directions, page.amounts_minor, strict=True
        )
    ]
    if activity:
        body["walletActivityLogs"] = activity
    return body


def v1_wallet(wallet: wallet_pb.Wallet) -> bodies.WalletV1:
    return {
        "id": wallet.id,
        "account_number": wallet.account_number,
        "owner_id": wallet.owner_id,
        "type": WALLET_TYPES.get(wallet.type, ""),
        "status": WALLET_STATUSES.get(wallet.status, ""),
        "balance": v1_money(wallet.balance),
        "created_at": timestamp(wallet.created_at_us),
    }


def v1_entry(entry: EntryFields) -> bodies.EntryV1:
    return {
        "id": entry.id,
        "transfer_id": entry.transfer_id,
        "direction": DIRECTIONS.get(entry.direction, ""),
        "amount": v1_money(entry.amount),
        "balance_after": v1_money(entry.balance_after),
        "counterparty_account": entry.counterparty_account,
        "created_at": timestamp(entry.created_at_us),
    }


def legacy_history(recent: RecentTransactionsFields) -> list[bodies.TransactionLegacy]:
    return [
        {
            "id": id,
            "senderAcc": sender,
            "receiverAcc": receiver,
            "amount": major_units(amount, currency),
            "currency": currency,
            "status": TX_STATUSES.get(status, ""),
            "createdAt": timestamp(created_at_us),
        }
        for id, sender, receiver, amount, currency, status, created_at_us in zip(
            recent.ids,
            recent.sender_accounts,
            recent.receiver_accounts,
            recent.amounts_minor,
            recent.currencies,
            recent.statuses,
            recent.created_at_us,
            strict=True,
        )
    ]


def v1_transaction(transaction: TransactionFields) -> bodies.TransactionV1:
    return {
        "id": transaction.id,
        "kind": TX_KINDS.get(transaction.kind, ""),
        "from_account": transaction.sender_account,
        "to_account": transaction.receiver_account,
        "amount": v1_money(transaction.amount),
        "status": TX_STATUSES.get(transaction.status, ""),
        "failure_code": transaction.failure_code or None,
        "initiator_id": transaction.initiator_id,
        "created_at": timestamp(transaction.created_at_us),
        "completed_at": timestamp(transaction.completed_at_us),
    }


def page_info(info: PageFields | None) -> tuple[bool, str | None]:
    """(has_more, next_after) of a page, ``next_after`` None on the last page."""
    if info is None:
        return False, None
    return info.has_more, info.next_after or None
