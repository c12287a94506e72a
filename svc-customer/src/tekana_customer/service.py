"""Customer use-cases. Each takes its dependencies as arguments and raises domain errors."""

from dataclasses import dataclass

from tekana_common.auth import IssuedToken, TokenIssuer
from tekana_common.context import Caller, Role
from tekana_common.errors import InvalidArgument
from tekana_customer.domain import (
    FULL_NAME_MAX,
    NATIONAL_ID_MAX,
    AdminOnly,
    Customer,
    CustomerNotFound,
    Gender,
    InvalidCredentials,
    NewCustomer,
    check_password,
    check_text,
    normalize_email,
)
from tekana_customer.passwords import Hasher
from tekana_customer.repository import CustomerRepository

PAGE_MAX = 100


@dataclass(frozen=True, slots=True)
class Registration:
    email: str
    password: str
    full_name: str
    national_id: str
    gender: Gender


@dataclass(frozen=True, slots=True)
class CustomerPage:
    customers: list[Customer]
    has_more: bool
    next_after: str


async def register(
    repo: CustomerRepository,
    hasher: Hasher,
    registration: Registration,
    *,
    roles: frozenset[Role] = frozenset({Role.CUSTOMER}),
) -> Customer:
    """Create a customer with a hashed password; the e-mail must be free in any letter case."""
    email = normalize_email(registration.email)
    check_password(registration.password)
    new = NewCustomer(
        email=email,
        password_hash=await hasher.hash(registration.password),
        full_name=check_text("full_name", registration.full_name, max_length=FULL_NAME_MAX),
        national_id=check_text("national_id", registration.national_id, max_length=NATIONAL_ID_MAX),
        gender=registration.gender,
        roles=roles,
    )
    return await repo.add(new)


async def authenticate(
    repo: CustomerRepository, hasher: Hasher, issuer: TokenIssuer, *, email: str, password: str
) -> IssuedToken:
    """A token for matching credentials; the same ``InvalidCredentials`` for every mismatch."""
    found = await repo.find_credentials(email.strip())
    if found is None:
        await hasher.burn(password)
        raise InvalidCredentials
    customer, password_hash = found
    if not await hasher.verify(password_hash, password):
        raise InvalidCredentials
    return issuer.issue(customer_id=customer.id, email=customer.email, roles=customer.roles)


async def get_customer(repo: CustomerRepository, *, caller: Caller, customer_id: int) -> Customer:
    """The customer, if the caller is that customer or an admin; otherwise not found."""
    if customer_id != caller.customer_id and not caller.is_admin:
        raise CustomerNotFound
    customer = await repo.get(customer_id)
    if customer is None:
        raise CustomerNotFound
    return customer


async def list_customers(
    repo: CustomerRepository, *, caller: Caller, limit: int, after: str
) -> CustomerPage:
    """One page of all customers by id, for admins."""
    if not caller.is_admin:
        raise AdminOnly
    if not 1 <= limit <= PAGE_MAX:
        raise InvalidArgument.for_field("limit", f"must be between 1 and {PAGE_MAX}")
    after_id = _parse_cursor(after)
    rows = await repo.list_after(after_id, limit + 1)
    page = rows[:limit]
    has_more = len(rows) > limit
    return CustomerPage(
        customers=page, has_more=has_more, next_after=str(page[-1].id) if has_more else ""
    )


def _parse_cursor(after: str) -> int:
    if not after:
        return 0
    if not after.isdigit() or len(after) > 18:
        raise InvalidArgument.for_field("after", "is not a cursor this API returned")
    return int(after)
