"""Customer storage: the ``CustomerRepository`` protocol and its Tortoise implementation."""

from typing import Protocol

import asyncpg

from tekana_common.batching import Batcher
from tekana_common.context import Role
from tekana_common.db import fetch
from tekana_customer.domain import Customer, EmailTaken, Gender, NewCustomer
from tekana_customer.models import CustomerRow


class CustomerRepository(Protocol):
    async def add(self, new: NewCustomer) -> Customer:
        """Store ``new``; ``EmailTaken`` if its e-mail is in use in any letter case."""

    async def get(self, customer_id: int) -> Customer | None: ...

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        """The customer with this e-mail (any letter case) and their password hash."""

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        """Up to ``limit`` customers with ids above ``after_id``, by id."""


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
    )


_COLUMNS = "id, email, full_name, national_id, gender, is_admin, created_at"
_SELECT = f"SELECT {_COLUMNS}"
# Registration and login also hash a password each; their SQL costs no more than it must
# (the ORM's query building was ~1 ms of the customer service's CPU per login).
_INSERT = f"""
    INSERT INTO customer (email, password_hash, full_name, national_id, gender, is_admin,
                          created_at)
    VALUES ($1, $2, $3, $4, $5, $6, now())
    RETURNING {_COLUMNS}"""  # noqa: S608 (constant columns)


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


async def _get_many(ids: list[int]) -> list[Customer | None]:
    # The most frequent read: SQL, not the ORM's query building (most of its CPU).
    rows = await fetch(f"{_SELECT} FROM customer WHERE id = ANY($1::bigint[])", ids)
    found = {row["id"]: _to_domain(row) for row in rows}
    return [found.get(customer_id) for customer_id in ids]
