"""What the transaction use-cases need from outside: storage of transactions, and the
ledger (the wallet service) that resolves accounts and applies transfers."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from tekana_transaction.domain import Account, LedgerAnswer, RecentTransactions, Transaction


class LedgerUnavailable(Exception):
    """The wallet service did not answer; whether it applied the transfer is unknown."""


class Ledger(Protocol):
    async def resolve(self, account_numbers: list[str]) -> dict[str, Account]: ...

    async def funding_account(self, currency: str) -> str: ...

    async def apply(
        self,
        *,
        transfer_id: str,
        from_account: str,
        to_account: str,
        amount: int,
        currency: str,
        reference: int = 0,
    ) -> LedgerAnswer: ...


class TransactionRepository(Protocol):
    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        """Store ``transaction`` pending; (stored, True), or (the one already stored under the
        caller's idempotency key, False)."""

    async def find_by_key(self, initiator_id: int, idempotency_key: str) -> Transaction | None: ...

    async def get(self, transaction_id: str) -> Transaction | None: ...

    async def finish(self, transaction_id: str, *, failure_code: str | None) -> Transaction:
        """Mark a pending transaction completed (no failure) or failed; a finished one is
        returned unchanged, so the first outcome stands."""

    async def page_for_account(
        self, account_number: str, *, before_seq: int, limit: int
    ) -> list[tuple[int, Transaction]]:
        """Up to ``limit`` (seq, transaction) touching the account, seq below ``before_seq``,
        newest first."""

    async def recent_for_accounts(
        self, queries: Sequence[tuple[str, int]]
    ) -> list[RecentTransactions]:
        """For each (account number, limit), in order: the latest ``limit`` transfers
        touching the account (deposits are not listed), newest first."""

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]: ...
