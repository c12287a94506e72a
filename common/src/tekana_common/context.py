"""Who a request is for (``Caller``, passed to every use-case as an argument) and its id (a
context variable, for logs and for the metadata of the calls it makes)."""

from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum


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
        return cls(customer_id, frozenset({Role.ADMIN if admin else Role.CUSTOMER}))


request_id_var: ContextVar[str] = ContextVar("request_id", default="")
