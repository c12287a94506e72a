"""What every request carries: who it is for (``Caller``, passed to every use-case as an
argument), its id (a context variable, for logs and for the metadata of the calls it makes)
and, when it may be retried, an idempotency key."""

from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from tekana_common.errors import InvalidArgument, Unauthenticated

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
