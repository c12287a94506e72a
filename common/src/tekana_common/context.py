"""Per-request values (request id, caller) carried in context variables."""

from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from tekana_common.errors import Unauthenticated


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
        """The caller a grouped call's item names (its customer id, admin or not)."""
        return cls(customer_id, frozenset({Role.ADMIN if admin else Role.CUSTOMER}))


request_id_var: ContextVar[str] = ContextVar("request_id", default="")
caller_var: ContextVar[Caller | None] = ContextVar("caller", default=None)


def current_caller() -> Caller:
    """The caller of the request being served; ``Unauthenticated`` when none was sent."""
    caller = caller_var.get()
    if caller is None:
        raise Unauthenticated("missing_caller", "Unauthorized")
    return caller
