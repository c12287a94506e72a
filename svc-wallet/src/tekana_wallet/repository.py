"""Wallet storage in PostgreSQL: the ``WalletRepository`` port (``ports``) on Tortoise.

Wallet creation goes through the ORM. The request path speaks SQL on Tortoise's own
connections: reads skip the ORM's query building, and transfers are one call of the
``apply_transfers`` database function (migrations 0004, 0005): a whole batch in one round
trip, where a transfer used to take six.
"""

from collections.abc import Sequence
from typing import Any

import asyncpg
from tortoise.exceptions import IntegrityError

from tekana_common.db import Database
from tekana_wallet.domain import (
    Activity,
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
from tekana_wallet.models import WalletRow
from tekana_wallet.ports import AccountNumberTaken, TransientConflict

# Looked up rather than calling the enum, which costs more, for each of a page's entries.
_DIRECTIONS = {direction.value: direction for direction in Direction}


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


# One round trip for many wallets' pages: each wallet, and its latest entries aggregated into
# one array per column (decoded by asyncpg in C, where 100 rows cost a Python object each).
# Ledger entries (openings left out: reference 0), then the old system's activity, which
# is older than any of them (src 1 before 0), soft-deleted rows left out as the old system
# did. Only imported wallets have any: for the others the probe is never made.
_WALLETS_WITH_ACTIVITY = """
    SELECT q.n, w.id, w.account_number, w.owner_id, w.type, w.currency, w.status, w.balance,
           w.created_at, a.transfer_ids, a.directions, a.amounts, a.refs, a.imported
    FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS q(account_number, size, n)
    JOIN wallet AS w ON w.account_number = q.account_number
    CROSS JOIN LATERAL (
        SELECT array_agg(e.transfer_id ORDER BY e.src DESC, e.id DESC) AS transfer_ids,
               array_agg(e.direction ORDER BY e.src DESC, e.id DESC) AS directions,
               array_agg(e.amount ORDER BY e.src DESC, e.id DESC) AS amounts,
               array_agg(e.ref ORDER BY e.src DESC, e.id DESC) AS refs,
               array_agg(e.src = 0 ORDER BY e.src DESC, e.id DESC) AS imported
        FROM (
            (SELECT 1 AS src, id, transfer_id::text, direction, amount,
                    coalesce(reference, 0) AS ref
             FROM ledger_entry WHERE wallet_id = w.id AND reference IS DISTINCT FROM 0
             ORDER BY id DESC LIMIT q.size)
            UNION ALL
            (SELECT 0, id, '', direction, amount, transaction_id
             FROM legacy_activity WHERE w.legacy_id IS NOT NULL
                 AND wallet_id = w.id AND deleted_at IS NULL
             ORDER BY id DESC LIMIT q.size)
            ORDER BY 1 DESC, 2 DESC LIMIT q.size
        ) AS e
    ) AS a"""

_SELECT_WALLET = (
    "SELECT id, account_number, owner_id, type, currency, status, balance, created_at FROM wallet"
)


class PostgresWalletRepository:
    """Wallets through the ORM where it costs nothing measurable (creation); the request
    paths in SQL on the given database."""

    def __init__(self, database: Database) -> None:
        self._db = database

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
        rows = await self._db.fetch(f"{_SELECT_WALLET} WHERE account_number = $1", account_number)
        return _wallet(rows[0]) if rows else None

    async def list_by_owner(self, owner_id: int) -> list[Wallet]:
        rows = await self._db.fetch(f"{_SELECT_WALLET} WHERE owner_id = $1 ORDER BY id", owner_id)
        return [_wallet(row) for row in rows]

    async def resolve(self, account_numbers: Sequence[str]) -> list[Wallet]:
        rows = await self._db.fetch(
            f"{_SELECT_WALLET} WHERE account_number = ANY($1::text[])", list(account_numbers)
        )
        return [_wallet(row) for row in rows]

    async def funding(self, currency: str) -> Wallet | None:
        row = await WalletRow.get_or_none(type=WalletType.FUNDING.value, currency=currency)
        return _wallet_from_model(row) if row else None

    async def entries(self, wallet: Wallet, *, before_id: int, limit: int) -> list[LedgerEntry]:
        rows = await self._db.fetch(
            # transfer_id as text: PostgreSQL's cast is cheaper than str() of 100 UUIDs here.
            """SELECT id, transfer_id::text AS transfer_id, direction, amount, balance_after,
                      counterparty_account, created_at, reference
               FROM ledger_entry WHERE wallet_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3""",
            wallet.id,
            before_id,
            limit,
        )
        return [
            LedgerEntry(
                id=row["id"],
                transfer_id=row["transfer_id"],
                account_number=wallet.account_number,
                direction=_DIRECTIONS[row["direction"]],
                amount=row["amount"],
                currency=wallet.currency,
                balance_after=row["balance_after"],
                counterparty_account=row["counterparty_account"],
                created_at=row["created_at"],
                reference=row["reference"],
            )
            for row in rows
        ]

    async def imported_entries(
        self, wallet: Wallet, *, before_id: int, limit: int
    ) -> list[LedgerEntry]:
        rows = await self._db.fetch(
            """SELECT id, direction, amount, transaction_id, created_at FROM legacy_activity
               WHERE wallet_id = $1 AND id < $2 AND deleted_at IS NULL
               ORDER BY id DESC LIMIT $3""",
            wallet.id,
            before_id,
            limit,
        )
        return [
            LedgerEntry(
                id=row["id"],
                transfer_id="",
                account_number=wallet.account_number,
                direction=_DIRECTIONS[row["direction"]],
                amount=row["amount"],
                currency=wallet.currency,
                balance_after=0,
                counterparty_account="",
                created_at=row["created_at"],
                reference=row["transaction_id"],
                imported=True,
            )
            for row in rows
        ]

    async def with_activities(
        self, queries: Sequence[tuple[str, int]]
    ) -> list[tuple[Wallet, Activity] | None]:
        rows = await self._db.fetch(
            _WALLETS_WITH_ACTIVITY, [a for a, _ in queries], [size for _, size in queries]
        )
        found: list[tuple[Wallet, Activity] | None] = [None] * len(queries)
        for row in rows:
            # No entries yet: the aggregates over nothing are NULL.
            activity = Activity(
                row["transfer_ids"] or [],
                [_DIRECTIONS[d] for d in row["directions"] or ()],
                row["amounts"] or [],
                row["refs"] or [],
                row["imported"] or [],
            )
            found[row["n"] - 1] = (_wallet(row), activity)
        return found

    async def apply_transfers(self, requests: Sequence[TransferRequest]) -> list[TransferOutcome]:
        args = (
            [r.transfer_id for r in requests],
            [r.from_account for r in requests],
            [r.to_account for r in requests],
            [r.amount for r in requests],
            [r.currency for r in requests],
            [r.reference for r in requests],
        )
        try:
            # One statement is its own transaction: the whole batch is one round trip.
            rows = await self._db.fetch(APPLY, *args)
        except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError) as exc:
            raise TransientConflict from exc
        return [
            TransferOutcome(
                str(row["transfer_id"]),
                TransferStatus(row["status"]),
                Refusal(row["failure_code"]) if row["failure_code"] else None,
            )
            for row in rows
        ]


# Migrations 0004 and 0005: claim, lock in id order, apply the rules, move, record.
APPLY = "SELECT * FROM apply_transfers($1::uuid[], $2::text[], $3::text[], $4, $5, $6)"
