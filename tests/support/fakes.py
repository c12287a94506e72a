"""In-memory stand-ins for the customer service's ports."""

import itertools
from datetime import UTC, datetime

from tekana_customer.domain import Customer, EmailTaken, NewCustomer


class FakeCustomerRepository:
    """Keeps customers in a dict; unique e-mails compared case-insensitively, as the database."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Customer, str]] = {}
        self._ids = itertools.count(1)

    async def add(self, new: NewCustomer) -> Customer:
        if any(c.email.lower() == new.email.lower() for c, _ in self.rows.values()):
            raise EmailTaken
        customer = Customer(
            id=next(self._ids),
            email=new.email,
            full_name=new.full_name,
            national_id=new.national_id,
            gender=new.gender,
            roles=new.roles,
            created_at=datetime.now(UTC),
        )
        self.rows[customer.id] = (customer, new.password_hash)
        return customer

    async def get(self, customer_id: int) -> Customer | None:
        found = self.rows.get(customer_id)
        return found[0] if found else None

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        for customer, password_hash in self.rows.values():
            if customer.email.lower() == email.lower():
                return customer, password_hash
        return None

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        return [c for i, (c, _) in sorted(self.rows.items()) if i > after_id][:limit]


class FakeHasher:
    """Reversible 'hashing' that records how often verification work was spent."""

    def __init__(self) -> None:
        self.verifications = 0

    async def hash(self, password: str) -> str:
        return f"fake${password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return password_hash == f"fake${password}"

    async def burn(self, password: str) -> None:
        self.verifications += 1
