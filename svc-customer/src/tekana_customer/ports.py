"""What the customer use-cases need from outside: storage of customers and sessions, and
the gateways to tell of revocations."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tekana_customer.domain import Customer, NewCustomer, Surface


class CustomerRepository(Protocol):
    async def add(self, new: NewCustomer) -> Customer:
        """Store ``new``; ``EmailTaken`` if its e-mail is in use in any letter case."""

    async def get(self, customer_id: int) -> Customer | None: ...

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        """The customer with this e-mail (any letter case), national id withheld, and
        their password hash."""

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        """Up to ``limit`` customers with ids above ``after_id``, by id."""

    async def set_disabled(self, customer_id: int, disabled: bool) -> Customer | None:
        """Disable (refusing every token issued until now and ending every session) or
        enable; None if there is no such customer."""

    async def credentials_of(self, customer_id: int) -> str | None:
        """The customer's password hash; None if there is no such customer."""

    async def replace_password_hash(self, customer_id: int, old: str, new: str) -> None:
        """Store ``new`` in place of ``old`` for the same password (no session ends); nothing
        if the hash is no longer ``old``, as after a concurrent login or a change."""

    async def change_password(self, customer_id: int, password_hash: str) -> None:
        """Store a new password hash, refuse every token issued until now and end every
        session, at once."""


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
        """Open a session (with a refresh token's hash, for /v1); its id."""

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

    async def forget_expired(self, before: datetime, *, batch: int) -> int:
        """Delete up to ``batch`` sessions (and their refresh tokens) that expired before
        ``before``; how many."""


class Revocations(Protocol):
    """Tells every gateway that tokens stop working."""

    async def session_ended(self, session_id: str, surface: Surface) -> None:
        """Every access token of the session is refused from now on."""

    async def customer_revoked(self, customer_id: int, *, at: float) -> None:
        """Every token of the customer issued at or before ``at`` (Unix time) is refused."""
