"""The money invariants (tekana_devstack.invariants) against the tests' PostgreSQL."""

from tekana_devstack import invariants
from tests.support.database import server_url


async def violations(database_prefix: str) -> list[str]:
    """Every broken invariant, described; empty when the books balance."""
    return await invariants.violations(server_url(), database_prefix)
