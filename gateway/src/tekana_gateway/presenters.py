"""Wallets, ledger entries and transactions as both API surfaces show them.

The legacy surface shows amounts as JSON numbers in major units (``9900.5``), exact because
they are written from ``Decimal``; /v1 shows ``{"amount_minor": int, "currency": "USD"}``.
"""

from datetime import UTC, datetime
from decimal import Decimal

from tekana_common.money import minor_to_major
from tekana_gateway import bodies
from tekana_protos.tekana.common.v1 import Money, PageInfo
from tekana_protos.tekana.transaction import v1 as tx_pb
from tekana_protos.tekana.wallet import v1 as wallet_pb

WALLET_TYPES = {
    wallet_pb.WalletType.SAVING: "saving",
    wallet_pb.WalletType.PERSONAL: "personal",
    wallet_pb.WalletType.LOAN: "loan",
    wallet_pb.WalletType.FUNDING: "funding",
}
WALLET_TYPE_FROM_NAME = {name: value for value, name in WALLET_TYPES.items()}
WALLET_STATUSES = {wallet_pb.WalletStatus.ACTIVE: "active", wallet_pb.WalletStatus.FROZEN: "frozen"}
DIRECTIONS = {wallet_pb.EntryDirection.DEBIT: "debit", wallet_pb.EntryDirection.CREDIT: "credit"}
TX_STATUSES = {
    tx_pb.Status.PENDING: "pending",
    tx_pb.Status.COMPLETED: "completed",
    tx_pb.Status.FAILED: "failed",
}
TX_KINDS = {tx_pb.Kind.TRANSFER: "transfer", tx_pb.Kind.DEPOSIT: "deposit"}


def timestamp(micros: int) -> str | None:
    return datetime.fromtimestamp(micros / 1e6, UTC).isoformat() if micros else None


def _money(value: Money | None) -> Money:
    return value or Money()


def major(value: Money | None) -> Decimal | int:
    """Major units, as an int when whole (``100``) and an exact decimal otherwise."""
    money = _money(value)
    amount = minor_to_major(money.amount_minor, money.currency)
    return int(amount) if amount == amount.to_integral_value() else amount.normalize()


def v1_money(value: Money | None) -> bodies.MoneyV1:
    money = _money(value)
    return {"amount_minor": money.amount_minor, "currency": money.currency}


def legacy_wallet(
    wallet: wallet_pb.Wallet, entries: list[wallet_pb.LedgerEntry]
) -> bodies.WalletLegacy:
    body: bodies.WalletLegacy = {
        "id": wallet.id,
        "accNumber": wallet.account_number,
        "customerId": wallet.owner_id,
        "walletType": WALLET_TYPES.get(wallet.type, ""),
        "balance": major(wallet.balance),
        "currency": _money(wallet.balance).currency,
        "createdAt": timestamp(wallet.created_at_us),
    }
    if entries:
        body["walletActivityLogs"] = [
            {
                "transactionId": e.transfer_id,
                "action": DIRECTIONS[e.direction],
                "amount": major(e.amount),
            }
            for e in entries
        ]
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


def v1_entry(entry: wallet_pb.LedgerEntry) -> bodies.EntryV1:
    return {
        "id": entry.id,
        "transfer_id": entry.transfer_id,
        "direction": DIRECTIONS.get(entry.direction, ""),
        "amount": v1_money(entry.amount),
        "balance_after": v1_money(entry.balance_after),
        "counterparty_account": entry.counterparty_account,
        "created_at": timestamp(entry.created_at_us),
    }


def legacy_transaction(transaction: tx_pb.Transaction) -> bodies.TransactionLegacy:
    return {
        "id": transaction.id,
        "senderAcc": transaction.sender_account,
        "receiverAcc": transaction.receiver_account,
        "amount": major(transaction.amount),
        "currency": _money(transaction.amount).currency,
        "status": TX_STATUSES.get(transaction.status, ""),
        "createdAt": timestamp(transaction.created_at_us),
    }


def v1_transaction(transaction: tx_pb.Transaction) -> bodies.TransactionV1:
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


def page_info(info: PageInfo | None) -> tuple[bool, str | None]:
    """(has_more, next_after) of a page, ``next_after`` None on the last page."""
    if info is None:
        return False, None
    return info.has_more, info.next_after or None
