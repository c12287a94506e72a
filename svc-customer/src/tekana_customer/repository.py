"""Customer storage: the ``CustomerRepository`` protocol and its Tortoise implementation."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import asyncpg
from tortoise.transactions import in_transaction

from tekana_common.batching import Batcher
from tekana_common.context import Role
from tekana_common.db import fetch
from tekana_customer.domain import Customer, EmailTaken, Gender, NewCustomer, Surface
from tekana_customer.models import CustomerRow


class CustomerRepository(Protocol):
    async def add(self, new: NewCustomer) -> Customer:
        """Store ``new``; ``EmailTaken`` if its e-mail is in use in any letter case."""

    async def get(self, customer_id: int) -> Customer | None: ...

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        """The customer with this e-mail (any letter case) and their password hash."""

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        """Up to ``limit`` customers with ids above ``after_id``, by id."""

    async def set_disabled(self, customer_id: int, disabled: bool) -> Customer | None:
        """Disable (refusing every token issued until now and ending every session) or
        enable; None if there is no such customer."""


@dataclass(frozen=True, slots=True)
class Rotated:
    customer: Customer
    session_id: str


@dataclass(frozen=True, slots=True)
class Reused:
    session_id: str
    surface: Surface


class SessionRepository(Protocol):
    async def start(
        self, customer_id: int, surface: Surface, *, lifetime: int, refresh_hash: bytes | None
    ) -> str:
        """A new session of ``lifetime`` seconds (with its first refresh token); its id."""

    async def rotate(
        self, used_hash: bytes, new_hash: bytes, *, lifetime: int
    ) -> Rotated | Reused | None:
        """Use up a refresh token for a new one, extending its session by ``lifetime``.
        ``Reused`` (and the session ended) if it was already used; None if it is unknown,
        or its session ended, expired or belongs to a disabled customer."""

    async def end(self, session_id: str, customer_id: int) -> Surface | None:
        """End the customer's session; its surface, or None if it is not theirs."""

    async def revoked_since(
        self, since: datetime
    ) -> tuple[list[tuple[str, Surface]], list[tuple[int, datetime]]]:
        """Sessions ended and customers' revocation points after ``since`` (republishing)."""


def _to_domain(row: CustomerRow | asyncpg.Record) -> Customer:
    # An ORM row or a SQL record: both index by column name.
    fields = row if isinstance(row, asyncpg.Record) else row.__dict__
    roles = {Role.CUSTOMER, Role.ADMIN} if fields["is_admin"] else {Role.CUSTOMER}
    return Customer(
        id=fields["id"],
        email=fields["email"],
        full_name=fields["full_name"],
        national_id=fields["national_id"],
        gender=Gender(fields["gender"]),
        roles=frozenset(roles),
        created_at=fields["created_at"],
        disabled=fields["disabled_at"] is not None,
    )


_COLUMNS = "id, email, full_name, national_id, gender, is_admin, created_at, disabled_at"
_SELECT = f"SELECT {_COLUMNS}"
# Registration and login also hash a password each; their SQL costs no more than it must
# (the ORM's query building was ~1 ms of the customer service's CPU per login).
_INSERT = f"""
    INSERT INTO customer (email, password_hash, full_name, national_id, gender, is_admin,
                          created_at)
    VALUES ($1, $2, $3, $4, $5, $6, now())
    RETURNING {_COLUMNS}"""  # noqa: S608 (constant columns)


# Disabling also sets the revocation point, so tokens issued before it fail everywhere.
_DISABLE = f"""
    UPDATE customer SET disabled_at = coalesce(disabled_at, now()), tokens_valid_after = now()
    WHERE id = $1 RETURNING {_COLUMNS}"""  # noqa: S608 (constant columns)
_ENABLE = f"""
    UPDATE customer SET disabled_at = NULL WHERE id = $1 RETURNING {_COLUMNS}"""  # noqa: S608
_END_ALL_SESSIONS = """
    UPDATE session SET revoked_at = now() WHERE customer_id = $1 AND revoked_at IS NULL"""


class TortoiseCustomerRepository:
    def __init__(self) -> None:
        # Reads by id arriving together share one query: on a loaded service the per-query
        # round trip, not the row, was most of a read's database cost.
        self._reads = Batcher(_get_many, name="customer_get")

    async def add(self, new: NewCustomer) -> Customer:
        try:
            rows = await fetch(
                _INSERT,
                new.email,
                new.password_hash,
                new.full_name,
                new.national_id,
                new.gender.value,
                Role.ADMIN in new.roles,
            )
        except asyncpg.UniqueViolationError as exc:
            # The only unique rule on this table is the e-mail index.
            raise EmailTaken from exc
        return _to_domain(rows[0])

    async def get(self, customer_id: int) -> Customer | None:
        return await self._reads.submit(customer_id)

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        # lower(email) is the unique index's expression, so this is an index scan.
        rows = await fetch(
            f"{_SELECT}, password_hash FROM customer WHERE lower(email) = $1",
            email.lower(),
        )
        return (_to_domain(rows[0]), rows[0]["password_hash"]) if rows else None

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        rows = await CustomerRow.filter(id__gt=after_id).order_by("id").limit(limit)
        return [_to_domain(row) for row in rows]

    async def set_disabled(self, customer_id: int, disabled: bool) -> Customer | None:
        async with in_transaction() as tx, tx.acquire_connection() as conn:
            row = await conn.fetchrow(_ENABLE if not disabled else _DISABLE, customer_id)
            if row is not None and disabled:
                await conn.execute(_END_ALL_SESSIONS, customer_id)
        return _to_domain(row) if row is not None else None


async def _get_many(ids: list[int]) -> list[Customer | None]:
    # The most frequent read: SQL, not the ORM's query building (most of its CPU).
    rows = await fetch(f"{_SELECT} FROM customer WHERE id = ANY($1::bigint[])", ids)
    found = {row["id"]: _to_domain(row) for row in rows}
    return [found.get(customer_id) for customer_id in ids]


_START = """
    INSERT INTO session (id, customer_id, surface, created_at, expires_at)
    VALUES (gen_random_uuid(), $1, $2, now(), now() + make_interval(secs => $3))
    RETURNING id::text"""
_ADD_REFRESH = """
    INSERT INTO refresh_token (token_hash, session_id, created_at) VALUES ($1, $2, now())"""
# The token and its session locked, so two uses of one token are told apart in order.
_FIND_TOKEN = f"""
    SELECT r.used_at, s.id::text AS session_id, s.surface, s.revoked_at,
           s.expires_at <= now() AS expired,
           {", ".join(f"c.{column}" for column in _COLUMNS.split(", "))}
    FROM refresh_token r JOIN session s ON s.id = r.session_id
         JOIN customer c ON c.id = s.customer_id
    WHERE r.token_hash = $1
    FOR UPDATE OF r, s"""  # noqa: S608 (constant columns)


class TortoiseSessionRepository:
    """Sessions in SQL: each operation is one transaction of a few statements on the
    session and refresh token tables (see the migration for their rules)."""

    async def start(
        self, customer_id: int, surface: Surface, *, lifetime: int, refresh_hash: bytes | None
    ) -> str:
        async with in_transaction() as tx, tx.acquire_connection() as conn:
            session_id: str = await conn.fetchval(_START, customer_id, surface.value, lifetime)
            if refresh_hash is not None:
                await conn.execute(_ADD_REFRESH, refresh_hash, session_id)
        return session_id

    async def rotate(
        self, used_hash: bytes, new_hash: bytes, *, lifetime: int
    ) -> Rotated | Reused | None:
        async with in_transaction() as tx, tx.acquire_connection() as conn:
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
        return Rotated(_to_domain(row), session_id)

    async def end(self, session_id: str, customer_id: int) -> Surface | None:
        rows = await fetch(
            """UPDATE session SET revoked_at = coalesce(revoked_at, now())
               WHERE id = $1::uuid AND customer_id = $2 RETURNING surface""",
            session_id,
            customer_id,
        )
        return Surface(rows[0]["surface"]) if rows else None

    async def revoked_since(
        self, since: datetime
    ) -> tuple[list[tuple[str, Surface]], list[tuple[int, datetime]]]:
        sessions = await fetch("SELECT id::text, surface FROM session WHERE revoked_at > $1", since)
        customers = await fetch(
            "SELECT id, tokens_valid_after FROM customer WHERE tokens_valid_after > $1", since
        )
        return (
            [(row["id"], Surface(row["surface"])) for row in sessions],
            [(row["id"], row["tokens_valid_after"]) for row in customers],
        )
