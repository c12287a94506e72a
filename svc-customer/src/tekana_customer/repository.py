"""Customer storage: the ``CustomerRepository`` protocol and its Tortoise implementation."""

from typing import Protocol

import asyncpg
from tortoise.exceptions import IntegrityError
from tortoise.functions import Lower

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


class TortoiseCustomerRepository:
    def __init__(self) -> None:
        # Reads by id arriving together share one query: on a loaded service the per-query
        # round trip, not the row, was most of a read's database cost.
        self._reads = Batcher(_get_many, name="customer_get")

    async def add(self, new: NewCustomer) -> Customer:
        try:
            row = await CustomerRow.create(
                email=new.email,
                password_hash=new.password_hash,
                full_name=new.full_name,
                national_id=new.national_id,
                gender=new.gender.value,
                is_admin=Role.ADMIN in new.roles,
            )
        except IntegrityError as exc:
            # The only unique rule on this table is the e-mail index.
            raise EmailTaken from exc
        return _to_domain(row)

    async def get(self, customer_id: int) -> Customer | None:
        return await self._reads.submit(customer_id)

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        # Lower() on the column matches the functional unique index, so this is an index scan.
        row = (
            await CustomerRow.annotate(email_lower=Lower("email"))
            .filter(email_lower=email.lower())
            .first()
        )
        return (_to_domain(row), row.password_hash) if row else None

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        rows = await CustomerRow.filter(id__gt=after_id).order_by("id").limit(limit)
        return [_to_domain(row) for row in rows]


async def _get_many(ids: list[int]) -> list[Customer | None]:
    # The most frequent read: SQL, not the ORM's query building (most of its CPU).
    rows = await fetch(
        "SELECT id, email, full_name, national_id, gender, is_admin, created_at"
        " FROM customer WHERE id = ANY($1::bigint[])",
        ids,
    )
    found = {row["id"]: _to_domain(row) for row in rows}
    return [found.get(customer_id) for customer_id in ids]
