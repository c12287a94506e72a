"""What every request carries: who it is for (``Caller``, passed to every use-case as an
argument), its id (a context variable, for logs and for the metadata of the calls it makes),
when it may be retried an idempotency key, and when it lists a page (keyset pagination:
bounded limits, opaque numeric cursors)."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from tekana_common.errors import InvalidArgument, Unauthenticated

T = TypeVar("T")

# The longest idempotency key any surface or service accepts.
IDEMPOTENCY_KEY_MAX = 128


class Role(StrEnum):
    CUSTOMER = "customer"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is making the request, as established by the gateway from a verified token."""

    customer_id: int
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.CUSTOMER}))

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @classmethod
    def named(cls, customer_id: int, *, admin: bool) -> "Caller":
        """The caller a request names (its customer id, admin or not)."""
        return cls(customer_id, _ADMIN if admin else _CUSTOMER)


# Every request names one of these (built once: ``named`` runs for every call and item).
_CUSTOMER = frozenset({Role.CUSTOMER})
_ADMIN = frozenset({Role.ADMIN})


class _CallerField(Protocol):
    customer_id: int
    admin: bool


class _NamesCaller(Protocol):
    @property
    def caller(self) -> _CallerField: ...


def caller_of(request: _NamesCaller) -> Caller:
    """The caller a request names (its ``caller`` field); ``Unauthenticated``
    (missing_caller) when it names none."""
    caller = request.caller
    if not caller.customer_id:
        raise Unauthenticated("missing_caller", "Unauthorized")
    return Caller.named(caller.customer_id, admin=caller.admin)


request_id_var: ContextVar[str] = ContextVar("request_id", default="")


def check_idempotency_key(key: str) -> str:
    """``key``, if it is at most ``IDEMPOTENCY_KEY_MAX`` printable characters (empty: none)."""
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise InvalidArgument.for_field(
            "idempotency_key", f"must be at most {IDEMPOTENCY_KEY_MAX} printable characters"
        )
    return key


PAGE_MAX = 100
DEFAULT_LIMIT = 50
# Cursors are row keys (bigint), at most 19 digits; anything longer was not made by us.
CURSOR_DIGITS_MAX = 18
# Before the digits of a cursor into a wallet's history imported from the old system.
IMPORTED_CURSOR = "i"


class PageRequestLike(Protocol):
    limit: int
    after: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_more: bool
    next_after: str


def page_requested(page: PageRequestLike | None) -> tuple[int, str]:
    """(limit, after) from a request's page message; the default limit when none was given."""
    if page is None:
        return DEFAULT_LIMIT, ""
    return page.limit or DEFAULT_LIMIT, page.after


def check_limit(limit: int) -> int:
    if not 1 <= limit <= PAGE_MAX:
        raise InvalidArgument.for_field("limit", f"must be between 1 and {PAGE_MAX}")
    return limit


def parse_cursor(after: str, *, start: int) -> int:
    """The row key a cursor stands for; ``start`` (the first page) when it is empty."""
    if not after:
        return start
    # isascii: str.isdigit also accepts superscript and other scripts' digits.
    if not (after.isascii() and after.isdigit()) or len(after) > CURSOR_DIGITS_MAX:
        raise InvalidArgument.for_field("after", "is not a cursor this API returned")
    return int(after)


def page_of(rows: list[T], limit: int, key: Callable[[T], int | str]) -> Page[T]:
    """A page from ``limit + 1`` fetched rows: the extra row only says there is more."""
    items, has_more = rows[:limit], len(rows) > limit
    return Page(items, has_more, str(key(items[-1])) if has_more else "")
