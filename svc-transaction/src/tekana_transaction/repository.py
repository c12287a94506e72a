"""Transaction storage: the ``TransactionRepository`` protocol and its implementation in SQL on
Tortoise's connections (the schema is the Tortoise model's, migrated by Tortoise)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Protocol

import asyncpg

from tekana_common.db import fetch
from tekana_transaction.domain import Kind, Status, Transaction


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

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]: ...


_COLUMNS = (
    "seq, id, kind, sender_account, receiver_account, amount, currency, status, failure_code,"
    " initiator_id, sender_owner_id, receiver_owner_id, request_fingerprint, created_at,"
    " completed_at"
)
_SELECT = f'SELECT {_COLUMNS} FROM "transaction"'  # noqa: S608 (a constant column list)


def _to_domain(row: asyncpg.Record) -> Transaction:
    return Transaction(
        id=str(row["id"]),
        kind=Kind(row["kind"]),
        sender_account=row["sender_account"],
        receiver_account=row["receiver_account"],
        amount=row["amount"],
        currency=row["currency"],
        status=Status(row["status"]),
        failure_code=row["failure_code"],
        initiator_id=row["initiator_id"],
        sender_owner_id=row["sender_owner_id"],
        receiver_owner_id=row["receiver_owner_id"],
        request_fingerprint=row["request_fingerprint"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


class TortoiseTransactionRepository:
    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        rows = await fetch(
            f"""INSERT INTO "transaction" (id, kind, sender_account, receiver_account, amount,
                    currency, status, initiator_id, sender_owner_id, receiver_owner_id,
                    idempotency_key, request_fingerprint, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, now())
                ON CONFLICT (initiator_id, idempotency_key) DO NOTHING
                RETURNING {_COLUMNS}""",  # noqa: S608 (constant columns)
            uuid.UUID(transaction.id),
            transaction.kind.value,
            transaction.sender_account,
            transaction.receiver_account,
            transaction.amount,
            transaction.currency,
            transaction.initiator_id,
            transaction.sender_owner_id,
            transaction.receiver_owner_id,
            idempotency_key,
            transaction.request_fingerprint,
        )
        if rows:
            return _to_domain(rows[0]), True
        # Only a key already used by this initiator conflicts (NULL keys never do).
        assert idempotency_key is not None
        existing = await self.find_by_key(transaction.initiator_id, idempotency_key)
        assert existing is not None  # the conflicting row is committed: ON CONFLICT waited
        return existing, False

    async def find_by_key(self, initiator_id: int, idempotency_key: str) -> Transaction | None:
        rows = await fetch(
            f"{_SELECT} WHERE initiator_id = $1 AND idempotency_key = $2",
            initiator_id,
            idempotency_key,
        )
        return _to_domain(rows[0]) if rows else None

    async def get(self, transaction_id: str) -> Transaction | None:
        rows = await fetch(f"{_SELECT} WHERE id = $1", uuid.UUID(transaction_id))
        return _to_domain(rows[0]) if rows else None

    async def finish(self, transaction_id: str, *, failure_code: str | None) -> Transaction:
        status = Status.FAILED if failure_code else Status.COMPLETED
        rows = await fetch(
            f"""UPDATE "transaction" SET status = $2, failure_code = $3, completed_at = now()
                WHERE id = $1 AND status = 'pending' RETURNING {_COLUMNS}""",  # noqa: S608 (constant columns)
            uuid.UUID(transaction_id),
            status.value,
            failure_code,
        )
        if rows:
            return _to_domain(rows[0])
        finished = await self.get(transaction_id)  # finished before: the first outcome stands
        assert finished is not None
        return finished

    async def page_for_account(
        self, account_number: str, *, before_seq: int, limit: int
    ) -> list[tuple[int, Transaction]]:
        # One index range per side (sender, receiver), merged: each stops after ``limit``.
        rows = await fetch(
            f"""SELECT {_COLUMNS} FROM (
                    (SELECT {_COLUMNS} FROM "transaction"
                     WHERE sender_account = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3)
                    UNION
                    (SELECT {_COLUMNS} FROM "transaction"
                     WHERE receiver_account = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3)
                ) AS touching ORDER BY seq DESC LIMIT $3""",  # noqa: S608 (constant columns)
            account_number,
            before_seq,
            limit,
        )
        return [(row["seq"], _to_domain(row)) for row in rows]

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]:
        rows = await fetch(
            f"{_SELECT} WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2",
            datetime.now(UTC) - age,
            limit,
        )
        return [_to_domain(row) for row in rows]
