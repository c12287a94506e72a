"""Transaction storage: the ``TransactionRepository`` protocol and its implementation in SQL on
Tortoise's connections (the schema is the Tortoise model's, migrated by Tortoise)."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

import asyncpg

from tekana_common.batching import Batcher
from tekana_common.db import Database
from tekana_transaction.domain import Kind, RecentTransactions, Status, Transaction

# The table's columns are the domain's fields, in the same order, after ``seq``: rows are
# read by position (a history page converts 100 rows; a lookup by name costs more).
# The id comes as text: PostgreSQL's cast is cheaper than str() of a UUID here.
_FIELDS = ("seq", *Transaction._fields)


def _select_list(prefix: str = "") -> str:
    return ", ".join(
        f"{prefix}{name}::text AS {name}" if name == "id" else f"{prefix}{name}" for name in _FIELDS
    )


_COLUMNS = _select_list()
_T_COLUMNS = _select_list("t.")
_SELECT = f'SELECT {_COLUMNS} FROM "transaction"'  # noqa: S608 (a constant column list)


# By stored value: a dictionary lookup, where calling the enum costs ~10 times more (and a
# history page converts 100 rows).
_KINDS = {kind.value: kind for kind in Kind}
_STATUSES = {status.value: status for status in Status}


def _to_domain(row: asyncpg.Record) -> Transaction:
    """A row of ``_COLUMNS`` (``row[0]`` is seq)."""
    return Transaction(
        row[1],
        _KINDS[row[2]],
        row[3],
        row[4],
        row[5],
        row[6],
        _STATUSES[row[7]],
        *row[8:],
    )


# Per queried account, the same two merged index ranges as a page, each column aggregated
# into one array (decoded by asyncpg in C, where 100 rows cost a Python object each).
# The legacy history: transfers only, as the old system listed (deposits were not
# transactions there).
_RECENT = """
    SELECT q.n, r.ids, r.senders, r.receivers, r.amounts, r.currencies, r.statuses, r.times,
           r.legacy_ids, r.imported
    FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS q(account, size, n)
    CROSS JOIN LATERAL (
        SELECT array_agg(id::text ORDER BY seq DESC) AS ids,
               array_agg(sender_account ORDER BY seq DESC) AS senders,
               array_agg(receiver_account ORDER BY seq DESC) AS receivers,
               array_agg(amount ORDER BY seq DESC) AS amounts,
               array_agg(currency ORDER BY seq DESC) AS currencies,
               array_agg(status ORDER BY seq DESC) AS statuses,
               array_agg((extract(epoch FROM created_at) * 1000000)::bigint ORDER BY seq DESC)
                   AS times,
               array_agg(legacy_id ORDER BY seq DESC) AS legacy_ids,
               array_agg(imported ORDER BY seq DESC) AS imported
        FROM (
            (SELECT seq, id, sender_account, receiver_account, amount, currency, status,
                    created_at, legacy_id, imported
             FROM "transaction" WHERE sender_account = q.account AND kind = 'transfer'
             ORDER BY seq DESC LIMIT q.size)
            UNION ALL
            -- An imported self transfer is on the sender side already.
            (SELECT seq, id, sender_account, receiver_account, amount, currency, status,
                    created_at, legacy_id, imported
             FROM "transaction" WHERE receiver_account = q.account AND kind = 'transfer'
                 AND sender_account <> q.account
             ORDER BY seq DESC LIMIT q.size)
            ORDER BY seq DESC LIMIT q.size
        ) AS touching
    ) AS r"""


# Group commit: a whole batch of saga writes in one statement (tekana_common.batching).
_INSERT_PENDING = f"""
    INSERT INTO "transaction" (id, kind, sender_account, receiver_account, amount, currency,
        status, initiator_id, sender_owner_id, receiver_owner_id, idempotency_key,
        request_fingerprint, client_reference, created_at)
    SELECT u.id, u.kind, u.sender, u.receiver, u.amount, u.currency, 'pending', u.initiator,
        u.sender_owner, u.receiver_owner, u.key, u.fingerprint, u.reference, now()
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[],
                $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[],
                $12::bigint[])
        AS u(id, kind, sender, receiver, amount, currency, initiator, sender_owner,
             receiver_owner, key, fingerprint, reference)
    ON CONFLICT (initiator_id, idempotency_key) DO NOTHING
    RETURNING {_COLUMNS}"""  # noqa: S608 (constant columns)
_FINISH = f"""
    UPDATE "transaction" AS t
    SET status = u.status, failure_code = u.failure_code, completed_at = now()
    FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, status, failure_code)
    WHERE t.id = u.id AND t.status = 'pending'
    RETURNING {_T_COLUMNS}"""  # noqa: S608 (constant columns)

Pending = tuple[Transaction, str | None]  # the transaction and its idempotency key
Finish = tuple[str, Status, str | None]  # transaction id, final status, failure code


async def _insert_pending(database: Database, batch: list[Pending]) -> list[Transaction | None]:
    """Each transaction stored, or None where its key was already used."""
    rows = await database.fetch(
        _INSERT_PENDING,
        [uuid.UUID(t.id) for t, _ in batch],
        [t.kind.value for t, _ in batch],
        [t.sender_account for t, _ in batch],
        [t.receiver_account for t, _ in batch],
        [t.amount for t, _ in batch],
        [t.currency for t, _ in batch],
        [t.initiator_id for t, _ in batch],
        [t.sender_owner_id for t, _ in batch],
        [t.receiver_owner_id for t, _ in batch],
        [key for _, key in batch],
        [t.request_fingerprint for t, _ in batch],
        [t.client_reference for t, _ in batch],
    )
    stored = {row["id"]: _to_domain(row) for row in rows}
    return [stored.get(t.id) for t, _ in batch]


async def _finish(database: Database, batch: list[Finish]) -> list[Transaction | None]:
    """Each transaction marked, or None where it was no longer pending."""
    ordered = sorted(batch)  # rows locked in one order, whoever else finishes some of them
    rows = await database.fetch(
        _FINISH,
        [uuid.UUID(i) for i, _, _ in ordered],
        [status.value for _, status, _ in ordered],
        [code for _, _, code in ordered],
    )
    marked = {row["id"]: _to_domain(row) for row in rows}
    return [marked.get(i) for i, _, _ in batch]


class PostgresTransactionRepository:
    """Transactions in SQL on the given database; concurrent inserts of pending ones, and
    concurrent finishes, are each one statement (group commit, decision 0015)."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._pending_writes = Batcher(
            partial(_insert_pending, database), name="transaction_pending"
        )
        self._finish_writes = Batcher(partial(_finish, database), name="transaction_finish")

    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        stored = await self._pending_writes.submit((transaction, idempotency_key))
        if stored is not None:
            return stored, True
        # Only a key already used by this initiator conflicts (NULL keys never do; new rows
        # always have an initiator).
        assert idempotency_key is not None
        assert transaction.initiator_id is not None
        existing = await self.find_by_key(transaction.initiator_id, idempotency_key)
        assert existing is not None  # the conflicting row is committed: ON CONFLICT waited
        return existing, False

    async def find_by_key(self, initiator_id: int, idempotency_key: str) -> Transaction | None:
        rows = await self._db.fetch(
            f"{_SELECT} WHERE initiator_id = $1 AND idempotency_key = $2",
            initiator_id,
            idempotency_key,
        )
        return _to_domain(rows[0]) if rows else None

    async def get(self, transaction_id: str) -> Transaction | None:
        rows = await self._db.fetch(f"{_SELECT} WHERE id = $1", uuid.UUID(transaction_id))
        return _to_domain(rows[0]) if rows else None

    async def finish(self, transaction_id: str, *, failure_code: str | None) -> Transaction:
        status = Status.FAILED if failure_code else Status.COMPLETED
        marked = await self._finish_writes.submit((transaction_id, status, failure_code))
        if marked is not None:
            return marked
        finished = await self.get(transaction_id)  # finished before: the first outcome stands
        assert finished is not None
        return finished

    async def page_for_account(
        self, account_number: str, *, before_seq: int, limit: int
    ) -> list[tuple[int, Transaction]]:
        # One index range per side (sender, receiver), merged: each stops after ``limit``.
        # UNION ALL: no row is on both sides (transaction_two_accounts_ck), so nothing to
        # deduplicate, and the two ordered ranges merge without a sort.
        rows = await self._db.fetch(
            f"""SELECT {_COLUMNS} FROM (
                    (SELECT {_COLUMNS} FROM "transaction"
                     WHERE sender_account = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3)
                    UNION ALL
                    (SELECT {_COLUMNS} FROM "transaction"
                     WHERE receiver_account = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3)
                ) AS touching ORDER BY seq DESC LIMIT $3""",  # noqa: S608 (constant columns)
            account_number,
            before_seq,
            limit,
        )
        return [(row["seq"], _to_domain(row)) for row in rows]

    async def recent_for_accounts(
        self, queries: Sequence[tuple[str, int]]
    ) -> list[RecentTransactions]:
        rows = await self._db.fetch(_RECENT, [a for a, _ in queries], [size for _, size in queries])
        recent = [RecentTransactions([], [], [], [], [], [], [], [], []) for _ in queries]
        for row in rows:
            if row[1] is not None:  # none yet: the aggregates over nothing are NULL
                recent[row[0] - 1] = RecentTransactions(
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    row[5],
                    [_STATUSES[s] for s in row[6]],
                    row[7],
                    row[8],
                    row[9],
                )
        return recent

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]:
        rows = await self._db.fetch(
            f"{_SELECT} WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2",
            datetime.now(UTC) - age,
            limit,
        )
        return [_to_domain(row) for row in rows]
