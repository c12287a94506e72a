"""Customer use-cases. Each takes its dependencies as arguments and raises domain errors."""

import time
import uuid
from dataclasses import dataclass

from tekana_common.context import Caller, Page, Role, check_limit, page_of, parse_cursor
from tekana_common.errors import InvalidArgument
from tekana_common.logging import get_logger
from tekana_customer.domain import (
    FULL_NAME_MAX,
    NATIONAL_ID_MAX,
    AdminOnly,
    Customer,
    CustomerDisabled,
    CustomerNotFound,
    Gender,
    InvalidCredentials,
    InvalidRefreshToken,
    IssuedSession,
    NewCustomer,
    RefreshTokenReused,
    Surface,
    TokenLifetimes,
    check_not_confusable,
    check_password,
    check_text,
    email_key,
    new_refresh_token,
    normalize_email,
    refresh_token_hash,
)
from tekana_customer.passwords import Hasher
from tekana_customer.ports import CustomerRepository, Reused, Revocations, SessionRepository
from tekana_customer.tokens import IssuedToken, TokenIssuer

log = get_logger(__name__)


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


@dataclass(frozen=True, slots=True)
class Sessions:
    """What opening, refreshing and ending sessions needs."""

    repo: SessionRepository
    issuer: TokenIssuer
    lifetimes: TokenLifetimes
    revocations: Revocations


async def authenticate(
    repo: CustomerRepository,
    hasher: Hasher,
    sessions: Sessions,
    *,
    email: str,
    password: str,
    surface: Surface,
) -> IssuedSession:
    """A new session for matching credentials; the same ``InvalidCredentials`` for every
    mismatch. /v1 sessions get a refresh token, legacy ones one longer-lived token."""
    found = await repo.find_credentials(email_key(email))
    if found is None:
        await hasher.burn(password)
        raise InvalidCredentials
    customer, password_hash = found
    if not await hasher.verify(password_hash, password):
        raise InvalidCredentials
    if customer.disabled:
        raise CustomerDisabled
    if hasher.needs_rehash(password_hash):
        # An imported bcrypt hash, or older parameters: replaced while the password is known.
        await repo.replace_password_hash(customer.id, password_hash, await hasher.hash(password))
    lifetimes = sessions.lifetimes
    refresh_token, refresh_hash = new_refresh_token() if surface is Surface.V1 else ("", None)
    session_id = await sessions.repo.start(
        customer.id,
        surface,
        lifetime=lifetimes.refresh if refresh_hash else lifetimes.legacy,
        refresh_hash=refresh_hash,
    )
    access = _access_token(sessions, customer, session_id, lifetimes.access_for(surface))
    refresh_lifetime = lifetimes.refresh if refresh_token else 0
    return IssuedSession(access.token, access.expires_in, refresh_token, refresh_lifetime)


async def refresh_session(sessions: Sessions, *, refresh_token: str) -> IssuedSession:
    """Use up ``refresh_token`` for a new pair. A token used twice ends its session: one of
    the two holders is not the customer (OAuth 2.0 security BCP, refresh token rotation)."""
    new_token, new_hash = new_refresh_token()
    lifetimes = sessions.lifetimes
    outcome = await sessions.repo.rotate(
        refresh_token_hash(refresh_token), new_hash, lifetime=lifetimes.refresh
    )
    if outcome is None:
        raise InvalidRefreshToken
    if isinstance(outcome, Reused):
        log.warning("refresh_token_reused", session_id=outcome.session_id)
        await sessions.revocations.session_ended(outcome.session_id, outcome.surface)
        raise RefreshTokenReused
    access = _access_token(sessions, outcome.customer, outcome.session_id, lifetimes.access)
    return IssuedSession(access.token, access.expires_in, new_token, lifetimes.refresh)


async def end_session(sessions: Sessions, *, caller: Caller, session_id: str) -> None:
    """Logout: the caller's session ends, and with it its refresh token and access tokens.
    Ending one that is already ended, or is not the caller's, changes nothing."""
    if not _is_uuid(session_id):
        return
    surface = await sessions.repo.end(session_id, caller.customer_id)
    if surface is not None:
        await sessions.revocations.session_ended(session_id, surface)


async def set_disabled(
    repo: CustomerRepository,
    sessions: Sessions,
    *,
    caller: Caller,
    customer_id: int,
    disabled: bool,
) -> Customer:
    """Admins disable a customer (no login, every token refused at once, money kept) or
    enable them again (old tokens stay refused)."""
    if not caller.is_admin:
        raise AdminOnly
    if disabled and customer_id == caller.customer_id:
        raise InvalidArgument.for_field("id", "an administrator cannot disable themself")
    revoked_at = time.time()
    customer = await repo.set_disabled(customer_id, disabled)
    if customer is None:
        raise CustomerNotFound
    if disabled:
        await sessions.revocations.customer_revoked(customer_id, at=revoked_at)
    return customer


async def change_password(
    repo: CustomerRepository,
    hasher: Hasher,
    sessions: Sessions,
    *,
    caller: Caller,
    current_password: str,
    new_password: str,
) -> None:
    """The caller's new password, given the current one. Every session of theirs ends and
    every token issued until now stops working, on every gateway: they log in again."""
    stored = await repo.credentials_of(caller.customer_id)
    if stored is None:
        raise CustomerNotFound
    if not await hasher.verify(stored, current_password):
        raise InvalidArgument.for_field("current_password", "is not the account's password")
    check_password(new_password, field="new_password")
    new_hash = await hasher.hash(new_password)
    revoked_at = time.time()
    await repo.change_password(caller.customer_id, new_hash)
    await sessions.revocations.customer_revoked(caller.customer_id, at=revoked_at)


def _access_token(
    sessions: Sessions, customer: Customer, session_id: str, ttl_seconds: int
) -> IssuedToken:
    return sessions.issuer.issue(
        customer_id=customer.id,
        email=customer.email,
        roles=customer.roles,
        session_id=session_id,
        ttl_seconds=ttl_seconds,
    )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


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
