"""Wallet storage: the ``WalletRepository`` protocol and its Tortoise implementation.

Reads and wallet creation go through the ORM. ``apply_transfer`` is the hot path and speaks
SQL on Tortoise's own connection: it needs ``FOR UPDATE`` in id order over two rows,
``ON CONFLICT DO NOTHING RETURNING`` and a two-row ``UPDATE ... RETURNING``, none of which
the ORM can say in one statement, and each round trip counts on that path.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

import asyncpg
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from tekana_wallet.domain import (
    Direction,
    LedgerEntry,
    Refusal,
    TransferOutcome,
    TransferRequest,
    TransferStatus,
    Wallet,
    WalletStatus,
    WalletType,
)
from tekana_wallet.models import LedgerEntryRow, WalletRow

Decide = Callable[[TransferRequest, Wallet | None, Wallet | None], Refusal | None]
BeforeCommit = Callable[[], Awaitable[None]]


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

    async def apply_transfer(
        self, request: TransferRequest, decide: Decide, before_commit: BeforeCommit
    ) -> TransferOutcome:
        """In one database transaction: record the transfer (or return the recorded outcome),
        lock both wallets in id order, ask ``decide``, then move the money and write both
        entries, or record the refusal; ``before_commit`` runs last inside the transaction.
        ``TransientConflict`` when the whole may simply be retried."""


def _wallet(row: Any) -> Wallet:
    return Wallet(
        id=row["id"],
        account_number=row["account_number"],
        owner_id=row["owner_id"],
        type=WalletType(row["type"]),
        currency=row["currency"],
        status=WalletStatus(row["status"]),
        balance=row["balance"],
        created_at=row["created_at"],
    )


_WALLET_FIELDS = (
    "id",
    "account_number",
    "owner_id",
    "type",
    "currency",
    "status",
    "balance",
    "created_at",
)


def _wallet_from_model(row: WalletRow) -> Wallet:
    # The ORM row in the shape of a SQL record, so one mapping serves both paths.
    return _wallet({name: getattr(row, name) for name in _WALLET_FIELDS})


class TortoiseWalletRepository:
    async def create(
        self,
        *,
        account_number: str,
        owner_id: int | None,
        type: WalletType,
        currency: str,
        idempotency_key: str | None = None,
    ) -> Wallet:
        try:
            row = await WalletRow.create(
                account_number=account_number,
                owner_id=owner_id,
                type=type.value,
                currency=currency,
                status=WalletStatus.ACTIVE.value,
                balance=0,
                idempotency_key=idempotency_key,
            )
        except IntegrityError as exc:
            earlier = await self._created_under(owner_id, idempotency_key)
            if earlier is None:
                raise AccountNumberTaken from exc
            return earlier
        return _wallet_from_model(row)

    async def _created_under(self, owner_id: int | None, key: str | None) -> Wallet | None:
        if key is None or owner_id is None:
            return None
        row = await WalletRow.get_or_none(owner_id=owner_id, idempotency_key=key)
        return _wallet_from_model(row) if row else None

    async def get(self, account_number: str) -> Wallet | None:
        row = await WalletRow.get_or_none(account_number=account_number)
        return _wallet_from_model(row) if row else None

    async def list_by_owner(self, owner_id: int) -> list[Wallet]:
        rows = await WalletRow.filter(owner_id=owner_id).order_by("id")
        return [_wallet_from_model(row) for row in rows]

    async def resolve(self, account_numbers: Sequence[str]) -> list[Wallet]:
        rows = await WalletRow.filter(account_number__in=list(account_numbers))
        return [_wallet_from_model(row) for row in rows]

    async def funding(self, currency: str) -> Wallet | None:
        row = await WalletRow.get_or_none(type=WalletType.FUNDING.value, currency=currency)
        return _wallet_from_model(row) if row else None

    async def entries(self, wallet: Wallet, *, before_id: int, limit: int) -> list[LedgerEntry]:
        rows = (
            await LedgerEntryRow.filter(wallet_id=wallet.id, id__lt=before_id)
            .order_by("-id")
            .limit(limit)
        )
        return [
            LedgerEntry(
                id=row.id,
                transfer_id=str(row.transfer_id),
                account_number=wallet.account_number,
                direction=Direction(row.direction),
                amount=row.amount,
                currency=wallet.currency,
                balance_after=row.balance_after,
                counterparty_account=row.counterparty_account,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def apply_transfer(
        self, request: TransferRequest, decide: Decide, before_commit: BeforeCommit
    ) -> TransferOutcome:
        try:
            async with in_transaction() as tx, tx.acquire_connection() as conn:
                outcome = await _apply(conn, request, decide)
                await before_commit()
                return outcome
        except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError) as exc:
            raise TransientConflict from exc


async def _apply(
    conn: asyncpg.Connection, request: TransferRequest, decide: Decide
) -> TransferOutcome:
    # Claim the transfer id first: a concurrent twin waits here for this transaction and
    # then finds the row, so a transfer can only ever be applied once.
    claimed = await conn.fetchval(
        """INSERT INTO transfer (transfer_id, from_account, to_account, amount, currency,
                                 status, created_at)
           VALUES ($1, $2, $3, $4, $5, 'completed', now())
           ON CONFLICT (transfer_id) DO NOTHING RETURNING true""",
        request.transfer_id,
        request.from_account,
        request.to_account,
        request.amount,
        request.currency,
    )
    if not claimed:
        return await _recorded_outcome(conn, request.transfer_id)
    locked = await conn.fetch(
        """SELECT id, account_number, owner_id, type, currency, status, balance, created_at
           FROM wallet WHERE account_number = ANY($1::text[]) ORDER BY id FOR UPDATE""",
        [request.from_account, request.to_account],
    )
    by_account: Mapping[str, Wallet] = {row["account_number"]: _wallet(row) for row in locked}
    sender = by_account.get(request.from_account)
    receiver = by_account.get(request.to_account)
    refused = decide(request, sender, receiver)
    if refused is not None or sender is None or receiver is None:
        await conn.execute(
            "UPDATE transfer SET status = 'failed', failure_code = $2 WHERE transfer_id = $1",
            request.transfer_id,
            refused,
        )
        return TransferOutcome(request.transfer_id, TransferStatus.FAILED, refused)
    balances = await conn.fetch(
        """UPDATE wallet SET balance = balance + CASE WHEN id = $1 THEN -$3::bigint ELSE $3 END
           WHERE id IN ($1, $2) RETURNING id, balance""",
        sender.id,
        receiver.id,
        request.amount,
    )
    after = {row["id"]: row["balance"] for row in balances}
    await conn.execute(
        """INSERT INTO ledger_entry (wallet_id, transfer_id, direction, amount, balance_after,
                                     counterparty_account, created_at)
           VALUES ($1, $3, 'debit', $4, $5, $7, now()), ($2, $3, 'credit', $4, $6, $8, now())""",
        sender.id,
        receiver.id,
        request.transfer_id,
        request.amount,
        after[sender.id],
        after[receiver.id],
        receiver.account_number,
        sender.account_number,
    )
    return TransferOutcome(request.transfer_id, TransferStatus.COMPLETED)


async def _recorded_outcome(conn: asyncpg.Connection, transfer_id: str) -> TransferOutcome:
    row = await conn.fetchrow(
        "SELECT status, failure_code FROM transfer WHERE transfer_id = $1", transfer_id
    )
    # The conflicting insert that sent us here waited for that row's commit.
    assert row is not None
    refusal = Refusal(row["failure_code"]) if row["failure_code"] else None
    return TransferOutcome(transfer_id, TransferStatus(row["status"]), refusal)
