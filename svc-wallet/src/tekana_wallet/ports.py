"""What the wallet use-cases need from outside: storage, and the failures it reports."""

from collections.abc import Sequence
from typing import Protocol

from tekana_wallet.domain import (
    Activity,
    LedgerEntry,
    TransferOutcome,
    TransferRequest,
    Wallet,
    WalletType,
)


class AccountNumberTaken(Exception):
    """The random account number collided with an existing one; draw another."""


class TransientConflict(Exception):
    """A deadlock or serialization failure: the whole transaction may simply be retried."""


class WalletRepository(Protocol):
    async def create(
        self,
        *,
        account_number: str,
        owner_id: int | None,
        type: WalletType,
        currency: str,
        idempotency_key: str | None = None,
    ) -> Wallet:
        """Store a new wallet, or return the owner's wallet created under ``idempotency_key``;
        ``AccountNumberTaken`` on a collision."""

    async def get(self, account_number: str) -> Wallet | None: ...

    async def list_by_owner(self, owner_id: int) -> list[Wallet]: ...

    async def resolve(self, account_numbers: Sequence[str]) -> list[Wallet]: ...

    async def funding(self, currency: str) -> Wallet | None: ...

    async def entries(self, wallet: Wallet, *, before_id: int, limit: int) -> list[LedgerEntry]:
        """Up to ``limit`` of ``wallet``'s entries with ids below ``before_id``, newest first."""

    async def imported_entries(
        self, wallet: Wallet, *, before_id: int, limit: int
    ) -> list[LedgerEntry]:
        """Up to ``limit`` of the old system's activity rows of ``wallet`` with ids below
        ``before_id``, newest first (soft-deleted ones left out)."""

    async def with_activities(
        self, queries: Sequence[tuple[str, int]]
    ) -> list[tuple[Wallet, Activity] | None]:
        """For each (account number, limit), in order: the wallet and its latest ``limit``
        entries, or None when there is no such wallet."""

    async def apply_transfers(self, requests: Sequence[TransferRequest]) -> list[TransferOutcome]:
        """In one database transaction, for each request in order: record the transfer (or
        return the recorded outcome), refuse by the ledger's rules (recorded), else move the
        money and write both entries; every wallet involved is locked first, in id order.
        ``TransientConflict`` when the whole may simply be retried."""
