"""Customer use-cases. Each takes its dependencies as arguments and raises domain errors."""

from dataclasses import dataclass

from tekana_common.auth import IssuedToken, TokenIssuer
from tekana_common.context import Caller, Role
from tekana_common.paging import Page, check_limit, page_of, parse_cursor
from tekana_customer.domain import (
    FULL_NAME_MAX,
    NATIONAL_ID_MAX,
    AdminOnly,
    Customer,
    CustomerNotFound,
    Gender,
    InvalidCredentials,
    NewCustomer,
    check_not_confusable,
    check_password,
    check_text,
    email_key,
    normalize_email,
)
from tekana_customer.passwords import Hasher
from tekana_customer.repository import CustomerRepository


@dataclass(frozen=True, slots=True)
class Registration:
    email: str
    password: str
    full_name: str
    national_id: str
    gender: Gender


async def register(
    repo: CustomerRepository,
    hasher: Hasher,
    registration: Registration,
    *,
    roles: frozenset[Role] = frozenset({Role.CUSTOMER}),
) -> Customer:
    """Create a customer with a hashed password; the e-mail must be free in any letter case."""
    check_not_confusable(registration.email)
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
    found = await repo.find_credentials(email_key(email))
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
) -> Page[Customer]:
    """One page of all customers by id, for admins."""
    if not caller.is_admin:
        raise AdminOnly
    after_id = parse_cursor(after, start=0)
    rows = await repo.list_after(after_id, check_limit(limit) + 1)
    return page_of(rows, limit, key=lambda customer: customer.id)
