"""Session storage: the ``SessionRepository`` protocol and its SQL implementation."""

from datetime import datetime

from tekana_common.db import Database
from tekana_customer.domain import Surface
from tekana_customer.ports import Reused, Rotated
from tekana_customer.repository import COLUMNS, customer_from_row

# One statement (atomic without a transaction of its own): a login costs one round trip
# here beside its argon2id hash.
_START = """
    INSERT INTO session (id, customer_id, surface, created_at, expires_at)
    VALUES (gen_random_uuid(), $1, $2, now(), now() + make_interval(secs => $3))
    RETURNING id::text"""
_START_WITH_REFRESH = """
    WITH started AS (
        INSERT INTO session (id, customer_id, surface, created_at, expires_at)
        VALUES (gen_random_uuid(), $1, $2, now(), now() + make_interval(secs => $3))
        RETURNING id)
    INSERT INTO refresh_token (token_hash, session_id, created_at)
    SELECT $4, id, now() FROM started
    RETURNING session_id::text"""
_ADD_REFRESH = """
    INSERT INTO refresh_token (token_hash, session_id, created_at) VALUES ($1, $2, now())"""
# The token and its session locked, so two uses of one token are told apart in order.
_FIND_TOKEN = f"""
    SELECT r.used_at, s.id::text AS session_id, s.surface, s.revoked_at,
           s.expires_at <= now() AS expired,
           {", ".join(f"c.{column}" for column in COLUMNS.split(", "))}
    FROM refresh_token r JOIN session s ON s.id = r.session_id
         JOIN customer c ON c.id = s.customer_id
    WHERE r.token_hash = $1
    FOR UPDATE OF r, s"""  # noqa: S608 (constant columns)


class PostgresSessionRepository:
    """Sessions in SQL on the given database: each operation is one transaction of a few
    statements on the session and refresh token tables (see the migration for their
    rules)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def start(
        self, customer_id: int, surface: Surface, *, lifetime: int, refresh_hash: bytes | None
    ) -> str:
        async with self._db.transaction() as conn:
            session_id: str = await conn.fetchval(_START, customer_id, surface.value, lifetime)
            if refresh_hash is not None:
                await conn.execute(_ADD_REFRESH, refresh_hash, session_id)
        return session_id

    async def rotate(
        self, used_hash: bytes, new_hash: bytes, *, lifetime: int
    ) -> Rotated | Reused | None:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_FIND_TOKEN, used_hash)
            if row is None:
                return None
            session_id = row["session_id"]
            if row["used_at"] is not None:
                await conn.execute(
                    "UPDATE session SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
                    session_id,
                )
                return Reused(session_id, Surface(row["surface"]))
            if row["revoked_at"] is not None or row["expired"] or row["disabled_at"] is not None:
                return None
            await conn.execute(
                "UPDATE refresh_token SET used_at = now() WHERE token_hash = $1", used_hash
            )
            await conn.execute(_ADD_REFRESH, new_hash, session_id)
            await conn.execute(
                "UPDATE session SET expires_at = now() + make_interval(secs => $2) WHERE id = $1",
                session_id,
                lifetime,
            )
        return Rotated(customer_from_row(row, None), session_id)

    async def end(self, session_id: str, customer_id: int) -> Surface | None:
        rows = await self._db.fetch(
            """UPDATE session SET revoked_at = coalesce(revoked_at, now())
               WHERE id = $1::uuid AND customer_id = $2 RETURNING surface""",
            session_id,
            customer_id,
        )
        return Surface(rows[0]["surface"]) if rows else None

    async def revoked_since(
        self, since: datetime
    ) -> tuple[list[tuple[str, Surface]], list[tuple[int, datetime]]]:
        sessions = await self._db.fetch(
            "SELECT id::text, surface FROM session WHERE revoked_at > $1", since
        )
        customers = await self._db.fetch(
            "SELECT id, tokens_valid_after FROM customer WHERE tokens_valid_after > $1", since
        )
        return (
            [(row["id"], Surface(row["surface"])) for row in sessions],
            [(row["id"], row["tokens_valid_after"]) for row in customers],
        )

    async def forget_expired(self, before: datetime, *, batch: int) -> int:
        rows = await self._db.fetch(
            """DELETE FROM session WHERE id IN (
                   SELECT id FROM session WHERE expires_at < $1 LIMIT $2)
               RETURNING 1""",
            before,
            batch,
        )
        return len(rows)
