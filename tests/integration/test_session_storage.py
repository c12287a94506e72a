"""Sessions on the real PostgreSQL: one use per refresh token even when two race, reuse
ends the session, and expired sessions are deleted with their tokens."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import Tortoise

from tekana_customer import service
from tekana_customer.domain import Gender, Surface, new_refresh_token
from tekana_customer.national_ids import NationalIdCipher, new_keys_text, parse_keys
from tekana_customer.ports import Reused, Rotated
from tekana_customer.repository import PostgresCustomerRepository
from tekana_customer.session_repository import PostgresSessionRepository
from tests.support.database import DATABASE
from tests.support.fakes import FakeHasher

pytestmark = pytest.mark.usefixtures("clean_customers")


async def _customer_id() -> int:
    repo = PostgresCustomerRepository(DATABASE, NationalIdCipher(parse_keys(new_keys_text())))
    registration = service.Registration(
        email="s@example.com",
        password="long enough",
        full_name="S",
        national_id="1",
        gender=Gender.FEMALE,
    )
    return (await service.register(repo, FakeHasher(), registration)).id


async def _count(table: str) -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT count(*) AS n FROM {table}"  # noqa: S608 (a table name of this test)
    )
    return int(rows[0]["n"])


async def test_two_uses_of_one_refresh_token_racing_end_the_session() -> None:
    sessions = PostgresSessionRepository(DATABASE)
    customer_id = await _customer_id()
    _, first_hash = new_refresh_token()
    await sessions.start(customer_id, Surface.V1, lifetime=60, refresh_hash=first_hash)
    outcomes = await asyncio.gather(
        *(sessions.rotate(first_hash, new_refresh_token()[1], lifetime=60) for _ in range(2))
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Reused", "Rotated"]
    rotated = next(o for o in outcomes if isinstance(o, Rotated))
    reused = next(o for o in outcomes if isinstance(o, Reused))
    assert rotated.session_id == reused.session_id
    assert rotated.customer.id == customer_id
    # The winner's new token is dead too: its session ended.
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT token_hash FROM refresh_token WHERE used_at IS NULL"
    )
    (fresh,) = [bytes(row["token_hash"]) for row in rows]
    assert await sessions.rotate(fresh, new_refresh_token()[1], lifetime=60) is None


async def test_expired_sessions_are_deleted_with_their_tokens() -> None:
    sessions = PostgresSessionRepository(DATABASE)
    customer_id = await _customer_id()
    for _ in range(3):
        await sessions.start(
            customer_id, Surface.V1, lifetime=1, refresh_hash=new_refresh_token()[1]
        )
    await sessions.start(customer_id, Surface.LEGACY, lifetime=3600, refresh_hash=None)
    assert (await _count("session"), await _count("refresh_token")) == (4, 3)
    later = datetime.now(UTC) + timedelta(seconds=5)
    assert await sessions.forget_expired(later, batch=2) == 2
    assert await sessions.forget_expired(later, batch=2) == 1
    assert await sessions.forget_expired(later, batch=2) == 0
    assert (await _count("session"), await _count("refresh_token")) == (1, 0)
