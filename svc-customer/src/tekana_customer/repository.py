"""Customer storage: the ``CustomerRepository`` protocol and its Tortoise implementation."""

from typing import Any

import asyncpg

from tekana_common.batching import Batcher
from tekana_common.context import Role
from tekana_common.db import Database
from tekana_customer.domain import Customer, EmailTaken, Gender, NewCustomer
from tekana_customer.models import CustomerRow
from tekana_customer.national_ids import NationalIdCipher, Sealed


def customer_from_row(
    row: CustomerRow | asyncpg.Record, cipher: NationalIdCipher | None
) -> Customer:
    """A row as a customer; its national id decrypted with ``cipher``, or withheld (empty)
    where the caller has no use for it (login, sessions)."""
    fields = row if isinstance(row, asyncpg.Record) else row.__dict__
    roles = {Role.CUSTOMER, Role.ADMIN} if fields["is_admin"] else {Role.CUSTOMER}
    return Customer(
        id=fields["id"],
        email=fields["email"],
        full_name=fields["full_name"],
        national_id=_national_id(fields, cipher) if cipher else "",
        gender=Gender(fields["gender"]) if fields["gender"] else None,
        roles=frozenset(roles),
        created_at=fields["created_at"],
        disabled=fields["disabled_at"] is not None,
    )


def _national_id(fields: Any, cipher: NationalIdCipher) -> str:
    if fields["national_id_cipher"] is None:  # a row from before encryption
        plain: str = fields["national_id"]
        return plain
    sealed = Sealed(fields["national_id_key"], bytes(fields["national_id_cipher"]))
    return cipher.open(fields["id"], sealed)


COLUMNS = (
    "id, email, full_name, national_id, national_id_cipher, national_id_key, gender, is_admin,"
    " created_at, disabled_at"
)
_SELECT = f"SELECT {COLUMNS}"
# Registration and login also hash a password each; their SQL costs no more than it must
# (the ORM's query building was a measurable share of a login's CPU).
# The id is taken first: the sealed national id is bound to it.
_NEXT_ID = "SELECT nextval(pg_get_serial_sequence('customer', 'id'))"
_INSERT = f"""
    INSERT INTO customer (id, email, password_hash, full_name, national_id_cipher,
                          national_id_key, gender, is_admin, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
    RETURNING {COLUMNS}"""  # noqa: S608 (constant columns)


# Disabling also sets the revocation point, so tokens issued before it fail everywhere.
_DISABLE = f"""
    UPDATE customer SET disabled_at = coalesce(disabled_at, now()), tokens_valid_after = now()
    WHERE id = $1 RETURNING {COLUMNS}"""  # noqa: S608 (constant columns)
_ENABLE = f"""
    UPDATE customer SET disabled_at = NULL WHERE id = $1 RETURNING {COLUMNS}"""  # noqa: S608
_SET_HASH = """
    UPDATE customer SET password_hash = $2, tokens_valid_after = now() WHERE id = $1"""
_END_ALL_SESSIONS = """
    UPDATE session SET revoked_at = now() WHERE customer_id = $1 AND revoked_at IS NULL"""


class PostgresCustomerRepository:
    """Customers in SQL on the given database, national ids sealed with ``cipher``."""

    def __init__(self, database: Database, cipher: NationalIdCipher) -> None:
        self._db = database
        self._cipher = cipher
        # Reads by id arriving together share one query: on a loaded service the per-query
        # round trip, not the row, was most of a read's database cost.
        self._reads = Batcher(self._get_many, name="customer_get")

    async def add(self, new: NewCustomer) -> Customer:
        customer_id = (await self._db.fetch(_NEXT_ID))[0][0]
        sealed = self._cipher.seal(customer_id, new.national_id)
        try:
            rows = await self._db.fetch(
                _INSERT,
                customer_id,
                new.email,
                new.password_hash,
                new.full_name,
                sealed.blob,
                sealed.key_version,
                new.gender.value,
                Role.ADMIN in new.roles,
            )
        except asyncpg.UniqueViolationError as exc:
            # The only unique rule on this table is the e-mail index.
            raise EmailTaken from exc
        return customer_from_row(rows[0], self._cipher)

    async def get(self, customer_id: int) -> Customer | None:
        return await self._reads.submit(customer_id)

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        # The unique index's expression and predicate, so this is an index scan.
        rows = await self._db.fetch(
            f"{_SELECT}, password_hash FROM customer WHERE lower(email) = $1 AND email_login",
            email.lower(),
        )
        return (customer_from_row(rows[0], None), rows[0]["password_hash"]) if rows else None

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        rows = await CustomerRow.filter(id__gt=after_id).order_by("id").limit(limit)
        return [customer_from_row(row, self._cipher) for row in rows]

    async def _get_many(self, ids: list[int]) -> list[Customer | None]:
        # The most frequent read: SQL, not the ORM's query building (most of its CPU).
        rows = await self._db.fetch(f"{_SELECT} FROM customer WHERE id = ANY($1::bigint[])", ids)
        found = {row["id"]: customer_from_row(row, self._cipher) for row in rows}
        return [found.get(customer_id) for customer_id in ids]

    async def credentials_of(self, customer_id: int) -> str | None:
        rows = await self._db.fetch("SELECT password_hash FROM customer WHERE id = $1", customer_id)
        return str(rows[0]["password_hash"]) if rows else None

    async def replace_password_hash(self, customer_id: int, old: str, new: str) -> None:
        await self._db.fetch(
            "UPDATE customer SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
            customer_id,
            old,
            new,
        )

    async def change_password(self, customer_id: int, password_hash: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(_SET_HASH, customer_id, password_hash)
            await conn.execute(_END_ALL_SESSIONS, customer_id)

    async def set_disabled(self, customer_id: int, disabled: bool) -> Customer | None:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_ENABLE if not disabled else _DISABLE, customer_id)
            if row is not None and disabled:
                await conn.execute(_END_ALL_SESSIONS, customer_id)
        return customer_from_row(row, self._cipher) if row is not None else None


# Rows not yet sealed under the newest key, oldest first, locked but skipped by a second
# re-encryption running at once; registrations meanwhile are sealed under the newest.
_TO_RESEAL = """
    SELECT id, national_id, national_id_cipher, national_id_key FROM customer
    WHERE national_id_key IS DISTINCT FROM $1
    ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED"""
_RESEAL = """
    UPDATE customer SET national_id = NULL, national_id_cipher = $2, national_id_key = $3
    WHERE id = $1"""


async def reseal_national_ids(database: Database, cipher: NationalIdCipher, *, batch: int) -> int:
    """Seal one batch of national ids under the newest key (plain ones from before, and
    ones under older keys), in one transaction; how many. Zero when every row is done, so
    a run stopped anywhere resumes by running again."""
    async with database.transaction() as conn:
        rows = await conn.fetch(_TO_RESEAL, cipher.newest, batch)
        resealed = []
        for row in rows:
            sealed = cipher.seal(row["id"], _national_id(row, cipher))
            resealed.append((row["id"], sealed.blob, sealed.key_version))
        await conn.executemany(_RESEAL, resealed)
    return len(resealed)


async def count_unsealed(database: Database, cipher: NationalIdCipher) -> int:
    """Rows whose national id is not sealed under the newest key."""
    rows = await database.fetch(
        "SELECT count(*) FROM customer WHERE national_id_key IS DISTINCT FROM $1", cipher.newest
    )
    count: int = rows[0][0]
    return count
