"""Transactions, their rules and their errors. No transport, no ORM."""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from tekana_common import money
from tekana_common.context import Caller
from tekana_common.errors import (
    Conflict,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)

ACCOUNT_NUMBER_MAX = 32


class Kind(StrEnum):
    TRANSFER = "transfer"
    DEPOSIT = "deposit"
    # Written only by the legacy import: an imported wallet's old balance.
    OPENING = "opening"


class Status(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


class Transaction(NamedTuple):
    """Immutable. A NamedTuple rather than a frozen dataclass: a history page builds 100 of
    them, and a frozen dataclass's ``__init__`` costs several times a tuple's (decision
    0018). Copies with changes: ``_replace``."""

    id: str
    kind: Kind
    sender_account: str
    receiver_account: str
    amount: int
    currency: str
    status: Status
    failure_code: str | None
    # None only on transactions imported from the old system (as is the fingerprint).
    initiator_id: int | None
    sender_owner_id: int | None
    receiver_owner_id: int | None
    request_fingerprint: str | None
    created_at: datetime
    completed_at: datetime | None
    # The legacy surface's integer id; the database gives it when the row is stored (None
    # on openings, which the legacy surface never shows).
    legacy_id: int | None = None
    # A legacy deposit's client-chosen integer transactionId.
    client_reference: int | None = None
    imported: bool = False

    def visible_to(self, customer_id: int) -> bool:
        return customer_id in (self.initiator_id, self.sender_owner_id, self.receiver_owner_id)


@dataclass(frozen=True, slots=True)
class Account:
    """What the wallet service tells about an account."""

    account_number: str
    owner_id: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class LedgerAnswer:
    """What the ledger answered to a transfer it was asked to apply."""

    completed: bool
    failure_code: str


@dataclass(frozen=True, slots=True)
class Result:
    transaction: Transaction
    replayed: bool


def fingerprint(kind: Kind, sender: str, receiver: str, amount: int, currency: str) -> str:
    """Identifies a request, so a reused idempotency key with a different request is caught."""
    canonical = f"{kind}|{sender}|{receiver}|{amount}|{currency}"
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_account(field: str, value: str) -> str:
    if not value or len(value) > ACCOUNT_NUMBER_MAX or not value.isprintable():
        raise InvalidArgument.for_field(field, "is not an account number")
    return value


# What one movement may carry unless configured otherwise, in major units of its currency.
DEFAULT_CEILING_MAJOR = 1_000_000


@dataclass(frozen=True, slots=True)
class AmountCeilings:
    """The most one movement may carry, per currency (major units). Without a ceiling one
    request could drive a currency's funding wallet to its floor and so stop every deposit
    in that currency; with it, the floor (a bigint) is out of reach of any real volume."""

    default_major: int = DEFAULT_CEILING_MAJOR
    by_currency_major: Mapping[str, int] = field(default_factory=dict)

    def check(self, amount_minor: int, currency: str) -> None:
        major = self.by_currency_major.get(currency, self.default_major)
        ceiling = major * 10 ** money.exponent(currency, field="amount.currency")
        if amount_minor > ceiling:
            raise InvalidArgument.for_field(
                "amount.amount_minor", f"must be at most {ceiling} ({major} {currency})"
            )


class SenderWalletNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("sender_wallet_not_found", "Sender Wallet not found")


class ReceiverWalletNotFound(NotFound):
    def __init__(self) -> None:
        # "Reciever" is the legacy front-end's spelling, kept word for word.
        super().__init__("receiver_wallet_not_found", "Reciever Wallet not found")


class WalletNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("wallet_not_found", "Wallet not found")


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """One reader's request for an account's latest ``limit`` transactions."""

    account_number: str
    limit: int
    reader: Caller


class RecentTransactions(NamedTuple):
    """A wallet's latest transactions in columns, newest first: transaction i is the i-th of
    every list. Columns, not a ``Transaction`` per row: the legacy history shows 100 and only
    passes them on (decision 0018)."""

    ids: list[str]
    sender_accounts: list[str]
    receiver_accounts: list[str]
    amounts: list[int]
    currencies: list[str]
    statuses: list[Status]
    created_at_us: list[int]
    legacy_ids: list[int]
    imported: list[bool]


class TransactionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("transaction_not_found", "Transaction not found")


class DepositsNotAllowed(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("deposits_not_allowed", "Only an administrator can deposit money")


class InsufficientFunds(FailedPrecondition):
    def __init__(self) -> None:
        super().__init__("insufficient_funds", "No available funds to complete transaction")


class CurrencyMismatch(FailedPrecondition):
    def __init__(self) -> None:
        super().__init__(
            "currency_mismatch", "The amount and both wallets must be in the same currency"
        )


class WalletInactive(FailedPrecondition):
    def __init__(self) -> None:
        super().__init__("wallet_inactive", "A wallet of this transfer is frozen")


class BalanceLimitExceeded(FailedPrecondition):
    def __init__(self) -> None:
        super().__init__("balance_limit_exceeded", "A wallet cannot hold that much money")


class SameWallet(InvalidArgument):
    def __init__(self) -> None:
        super().__init__(
            "same_wallet",
            "receiver_account: must differ from the sender's",
            violations=InvalidArgument.for_field(
                "receiver_account", "must differ from the sender's"
            ).violations,
        )


class IdempotencyKeyReused(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request",
        )


# The errors of the ledger's refusals, by code. The wallet service's ``Refusal`` is the one
# list of codes; tests/integration/test_ledger_codes.py holds this map, and the SQL function
# that refuses, to it.
LEDGER_REFUSALS: dict[str, Callable[[], DomainError]] = {
    "insufficient_funds": InsufficientFunds,
    "currency_mismatch": CurrencyMismatch,
    "sender_wallet_not_found": SenderWalletNotFound,
    "receiver_wallet_not_found": ReceiverWalletNotFound,
    "wallet_inactive": WalletInactive,
    "same_wallet": SameWallet,
    "balance_limit_exceeded": BalanceLimitExceeded,
}


def refusal_error(failure_code: str | None) -> DomainError:
    """The error a recorded failure answers with, on the first call and on every replay."""
    error_type = LEDGER_REFUSALS.get(failure_code or "")
    if error_type is None:
        return FailedPrecondition(failure_code or "transfer_failed", "The transfer failed")
    return error_type()
