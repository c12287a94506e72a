"""Wallets, ledger entries and the rules a transfer must pass. No transport, no ORM."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from tekana_common.context import Caller
from tekana_common.errors import InvalidArgument, NotFound


class WalletType(StrEnum):
    SAVING = "saving"
    PERSONAL = "personal"
    LOAN = "loan"
    # One per currency, owned by no customer: the counterparty of deposits.
    FUNDING = "funding"
    # One per currency each, owned by no customer, written only by the legacy import: the
    # counterparty of opening balances, and the holder of old negative balances' deficits.
    MIGRATION = "migration"
    RECEIVABLE = "receivable"


CUSTOMER_WALLET_TYPES = frozenset({WalletType.SAVING, WalletType.PERSONAL, WalletType.LOAN})


class WalletStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"


class Direction(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class TransferStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"


class Refusal(StrEnum):
    """Why the ledger refused a transfer; recorded, so a replay gives the same answer. The one
    list of the ledger's codes: the SQL function that applies transfers (migration 0004) and
    the transaction service's errors are held to it by tests."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    CURRENCY_MISMATCH = "currency_mismatch"
    SENDER_NOT_FOUND = "sender_wallet_not_found"
    RECEIVER_NOT_FOUND = "receiver_wallet_not_found"
    WALLET_INACTIVE = "wallet_inactive"
    SAME_WALLET = "same_wallet"
    BALANCE_LIMIT = "balance_limit_exceeded"


@dataclass(frozen=True, slots=True)
class Wallet:
    id: int
    account_number: str
    owner_id: int | None
    type: WalletType
    currency: str
    status: WalletStatus
    balance: int
    created_at: datetime


class LedgerEntry(NamedTuple):
    """Immutable; a NamedTuple as ``Transaction`` in the transaction service is, for the
    same reason: a page builds 100 of them, and a frozen dataclass's ``__init__`` is 3-4
    times dearer."""

    id: int
    transfer_id: str
    account_number: str
    direction: Direction
    amount: int
    currency: str
    balance_after: int
    counterparty_account: str
    created_at: datetime
    # What the legacy page shows as its transactionId (see ``Activity``).
    reference: int | None = None
    # A row of the old system's activity log: no transfer, counterparty or balance after.
    imported: bool = False


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    """One reader's request for a wallet's latest ``limit`` entries."""

    account_number: str
    limit: int
    reader: Caller


class Activity(NamedTuple):
    """A wallet's latest entries in columns, newest first: entry i is ``(transfer_ids[i],
    directions[i], amounts[i], references[i], imported[i])`` in the wallet's currency.
    Columns, not an object per entry: a wallet's page shows 100 entries and only passes them
    on (decision 0018). The entries that opened an imported wallet are left out; the old
    system's own activity follows Tekana's, older than all of it."""

    transfer_ids: list[str]
    directions: list[Direction]
    amounts: list[int]
    # The transaction's legacy id, a legacy deposit's client reference, or an imported
    # row's transactionId; 0 on entries from before references were kept.
    references: list[int]
    imported: list[bool]


@dataclass(frozen=True, slots=True)
class TransferRequest:
    transfer_id: str
    from_account: str
    to_account: str
    amount: int
    currency: str
    reference: int = 0


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    transfer_id: str
    status: TransferStatus
    refusal: Refusal | None = None


class WalletNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("wallet_not_found", "Wallet not found")


ACCOUNT_DIGITS = 16
LEGACY_ACCOUNT = re.compile(r"200-[0-9]{1,10}-[0-9]{1,15}", re.ASCII)


def luhn_check_digit(digits: str) -> str:
    """The digit that makes ``digits`` + it pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def is_legacy_account_number(candidate: str) -> bool:
    """The old system's format, ``200-<customer id>-<milliseconds since epoch>``: wallets
    imported from it keep their numbers, printed on cards and known to partners."""
    return LEGACY_ACCOUNT.fullmatch(candidate) is not None


def is_valid_account_number(candidate: str) -> bool:
    if is_legacy_account_number(candidate):
        return True
    if len(candidate) != ACCOUNT_DIGITS or not (candidate.isascii() and candidate.isdigit()):
        return False
    return luhn_check_digit(candidate[:-1]) == candidate[-1]


def new_account_number() -> str:
    """16 digits: a leading 2, 14 random digits, a Luhn check digit. Random, so unguessable
    and independent of ids and time; uniqueness is the database's, with retries."""
    body = "2" + f"{secrets.randbelow(10**14):014d}"
    return body + luhn_check_digit(body)


def check_wallet_type(raw: str) -> WalletType:
    try:
        wallet_type = WalletType(raw)
    except ValueError:
        wallet_type = None
    if wallet_type not in CUSTOMER_WALLET_TYPES:
        raise InvalidArgument.for_field("type", "must be saving, personal or loan")
    return WalletType(raw)
