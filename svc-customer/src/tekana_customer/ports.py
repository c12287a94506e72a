"""What the customer use-cases need from outside that is not storage."""

from typing import Protocol

from tekana_customer.domain import Surface


class Revocations(Protocol):
    """Tells every gateway that tokens stop working."""

    async def session_ended(self, session_id: str, surface: Surface) -> None:
        """Every access token of the session is refused from now on."""

    async def customer_revoked(self, customer_id: int, *, at: float) -> None:
        """Every token of the customer issued at or before ``at`` (Unix time) is refused."""
