"""Customers, wallets, ledger entries and transactions as both API surfaces show them.

The legacy surface shows amounts as JSON numbers in major units (``9900.5``), exact because
they are written from ``Decimal``; /v1 shows ``{"amount_minor": int, "currency": "USD"}``.
"""

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from tekana.common.v1.money_pb2 import Money
from tekana.common.v1.page_pb2 import PageInfo
from tekana.customer.v1 import customer_pb2 as customer_pb
from tekana.transaction.v1 import transaction_pb2 as transaction_pb
from tekana.wallet.v1 import wallet_pb2 as wallet_pb
from tekana_common.money import MINOR_UNITS, minor_to_major
from tekana_gateway.schemas.legacy import (
    ActivityLog,
    CustomerLegacy,
    TransactionLegacy,
    WalletLegacy,
)
from tekana_gateway.schemas.v1 import CustomerV1, EntryV1, MoneyV1, TransactionV1, WalletV1

GENDER_CODES: dict[customer_pb.Gender, str] = {
    customer_pb.GENDER_MALE: "M",
    customer_pb.GENDER_FEMALE: "F",
}
GENDER_FROM_CODE = {code: gender for gender, code in GENDER_CODES.items()}
ROLE_NAMES: dict[int, str] = {
    customer_pb.ROLE_CUSTOMER: "customer",
    customer_pb.ROLE_ADMIN: "admin",
}
WALLET_TYPES: dict[wallet_pb.WalletType, str] = {
    wallet_pb.WALLET_TYPE_SAVING: "saving",
    wallet_pb.WALLET_TYPE_PERSONAL: "personal",
    wallet_pb.WALLET_TYPE_LOAN: "loan",
    wallet_pb.WALLET_TYPE_FUNDING: "funding",
    wallet_pb.WALLET_TYPE_MIGRATION: "migration",
    wallet_pb.WALLET_TYPE_RECEIVABLE: "receivable",
}
WALLET_TYPE_FROM_NAME = {name: value for value, name in WALLET_TYPES.items()}
WALLET_STATUSES: dict[int, str] = {
    wallet_pb.WALLET_STATUS_ACTIVE: "active",
    wallet_pb.WALLET_STATUS_FROZEN: "frozen",
}
DIRECTIONS: dict[int, str] = {
    wallet_pb.ENTRY_DIRECTION_DEBIT: "debit",
    wallet_pb.ENTRY_DIRECTION_CREDIT: "credit",
}
TX_STATUSES: dict[int, str] = {
    transaction_pb.STATUS_PENDING: "pending",
    transaction_pb.STATUS_COMPLETED: "completed",
    transaction_pb.STATUS_FAILED: "failed",
}
TX_KINDS: dict[int, str] = {
    transaction_pb.KIND_TRANSFER: "transfer",
    transaction_pb.KIND_DEPOSIT: "deposit",
    transaction_pb.KIND_OPENING: "opening",
}


def legacy_customer(customer: customer_pb.Customer) -> CustomerLegacy:
    return {
        "id": customer.id,
        "email": customer.email,
        "fullName": customer.full_name,
        "nationalId": customer.national_id,
        "gender": GENDER_CODES.get(customer.gender),
    }


def v1_customer(customer: customer_pb.Customer) -> CustomerV1:
    return {
        "id": customer.id,
        "email": customer.email,
        "full_name": customer.full_name,
        "national_id": customer.national_id,
        "gender": GENDER_CODES.get(customer.gender),
        "roles": [ROLE_NAMES[role] for role in customer.roles if role in ROLE_NAMES],
        "created_at": timestamp(customer.created_at_us),
        "disabled": customer.disabled,
    }


def timestamp(micros: int) -> str | None:
    """ISO 8601 in UTC, as ``datetime.isoformat`` writes it (``...T08:00:00.123457+00:00``),
    exact to the microsecond. Built from a cached whole second: a history page writes 100 of
    these, and a ``datetime`` each was most of the page's presenting (decision 0019)."""
    if not micros:
        return None
    seconds, fraction = divmod(micros, 1_000_000)
    if fraction:
        return f"{_whole_second(seconds)}.{fraction:06d}+00:00"
    return f"{_whole_second(seconds)}+00:00"


@functools.lru_cache(maxsize=4096)
def _whole_second(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _currency(value: Money) -> str:
    return value.currency


# Minor units per major unit, by currency: 100 for USD, 1 for RWF.
_UNIT: dict[str, int] = {currency: 10**exponent for currency, exponent in MINOR_UNITS.items()}


def major(value: Money) -> Decimal | int:
    """Major units, as an int when whole (``100``) and an exact decimal otherwise."""
    if not value.currency:
        return 0
    return major_units(value.amount_minor, value.currency)


def major_units(amount_minor: int, currency: str) -> Decimal | int:
    # Whole amounts, most of them, need no Decimal (a page of entries shows 100 of them).
    whole, cents = divmod(amount_minor, _UNIT[currency])
    if not cents:
        return whole
    return minor_to_major(amount_minor, currency).normalize()


def v1_money(value: Money) -> MoneyV1:
    return {"amount_minor": value.amount_minor, "currency": value.currency}


def legacy_wallet(page: wallet_pb.WalletActivity) -> WalletLegacy:
    wallet = page.wallet
    body: WalletLegacy = {
        "id": wallet.id,
        "accNumber": wallet.account_number,
        "customerId": wallet.owner_id,
        "walletType": WALLET_TYPES.get(wallet.type, ""),
        "balance": major(wallet.balance),
        "currency": _currency(wallet.balance),
        "createdAt": timestamp(wallet.created_at_us),
    }
    currency = body["currency"]
    # The latest entries, listed oldest first as the old system did.
    # An entry's integer reference (the transfer's legacy id, the deposit's client id, an
    # imported row's transactionId); entries from before references, their transfer's UUID.
    activity: list[ActivityLog] = [
        {
            "transactionId": reference or transfer_id,
            "action": DIRECTIONS[direction],
            "amount": major_units(amount, currency),
        }
        for transfer_id, direction, amount, reference in reversed(
            list(
                zip(
                    page.transfer_ids,
                    page.directions,
                    page.amounts_minor,
                    page.references,
                    strict=True,
                )
            )
        )
    ]
    _mark_imported(activity, page.imported)
    if activity:
        body["walletActivityLogs"] = activity
    return body


def _mark_imported(
    oldest_first: Sequence[ActivityLog | TransactionLegacy], newest_first: Sequence[bool]
) -> None:
    """Rows copied from the old system say so (``imported``); the others keep the old
    system's shape exactly. Most wallets have none, and pay one ``any`` for it."""
    if any(newest_first):
        for row, imported in zip(oldest_first, reversed(newest_first), strict=True):
            if imported:
                row["imported"] = True


def v1_wallet(wallet: wallet_pb.Wallet) -> WalletV1:
    return {
        "id": wallet.id,
        "account_number": wallet.account_number,
        "owner_id": wallet.owner_id,
        "type": WALLET_TYPES.get(wallet.type, ""),
        "status": WALLET_STATUSES.get(wallet.status, ""),
        "balance": v1_money(wallet.balance),
        "created_at": timestamp(wallet.created_at_us),
    }


def v1_entry(entry: wallet_pb.LedgerEntry) -> EntryV1:
    """An entry of the ledger, or a row of the old system's activity (``imported``), which
    has no transfer, counterparty or balance after."""
    imported = entry.imported
    return {
        "id": entry.id,
        "transfer_id": None if imported else entry.transfer_id,
        "direction": DIRECTIONS.get(entry.direction, ""),
        "amount": v1_money(entry.amount),
        "balance_after": None if imported else v1_money(entry.balance_after),
        "counterparty_account": None if imported else entry.counterparty_account,
        "created_at": timestamp(entry.created_at_us),
        "imported": imported,
        "legacy_transaction_id": entry.reference or None,
    }


def legacy_history(recent: transaction_pb.RecentTransactions) -> list[TransactionLegacy]:
    """The latest transactions, listed oldest first as the old system did."""
    newest_first: list[TransactionLegacy] = [
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
            recent.legacy_ids,
            recent.sender_accounts,
            recent.receiver_accounts,
            recent.amounts_minor,
            recent.currencies,
            recent.statuses,
            recent.created_at_us,
            strict=True,
        )
    ]
    oldest_first = newest_first[::-1]
    _mark_imported(oldest_first, recent.imported)
    return oldest_first


def v1_transaction(transaction: transaction_pb.Transaction) -> TransactionV1:
    return {
        "id": transaction.id,
        "kind": TX_KINDS.get(transaction.kind, ""),
        "from_account": transaction.sender_account,
        "to_account": transaction.receiver_account,
        "amount": v1_money(transaction.amount),
        "status": TX_STATUSES.get(transaction.status, ""),
        "failure_code": transaction.failure_code or None,
        "initiator_id": transaction.initiator_id or None,
        "created_at": timestamp(transaction.created_at_us),
        "completed_at": timestamp(transaction.completed_at_us),
        "legacy_id": transaction.legacy_id or None,
        "imported": transaction.imported,
    }


def page_info(info: PageInfo) -> tuple[bool, str | None]:
    """(has_more, next_after) of a page, ``next_after`` None on the last page."""
    return info.has_more, info.next_after or None
