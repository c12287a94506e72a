"""The revocation list on a real Redis the test starts and stops: what it refuses, how
fast, what it does while Redis is down, and that the customer service republishes what
it could not publish."""

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest

from tekana_common.auth import redis_client
from tekana_customer.domain import Surface
from tekana_customer.revocations import PublishedRevocations, RevocationPublisher
from tekana_gateway.revocations import RevocationList, RevocationState, RevocationUnavailable
from tests.support.fakes import LIFETIMES, FakeCustomerRepository, FakeSessionRepository
from tests.support.redis_server import RedisServer, redis_server


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


async def _following(revocations: RevocationList) -> asyncio.Task[None]:
    task = asyncio.create_task(revocations.follow())
    for _ in range(100):
        if revocations.state() is RevocationState.OK:
            return task
        await asyncio.sleep(0.02)
    raise AssertionError("the list never loaded")


async def _until(predicate: Callable[[], bool], seconds: float = 2.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        await asyncio.sleep(0.01)
    raise AssertionError("not within the time")


async def test_revocations_reach_a_following_list_within_a_second(redis: RedisServer) -> None:
    publisher = RevocationPublisher(redis_client(redis.url), prefix="t1")
    revocations = RevocationList(redis_client(redis.url), "t1")
    task = await _following(revocations)
    try:
        assert revocations.allows(customer_id=7, session_id="s-1", issued_at=100)
        await publisher.revoke_session("s-1", valid_seconds=900)
        took = await _until(
            lambda: not revocations.allows(customer_id=7, session_id="s-1", issued_at=100)
        )
        assert took < 1.0
        assert revocations.allows(customer_id=7, session_id="s-2", issued_at=100)
        now = int(time.time())
        await publisher.revoke_customer(7, at=now + 0.5)
        await _until(lambda: 7 in revocations.customers)
        # Issued before, or in the second of, the revocation point: refused; later: allowed.
        assert not revocations.allows(customer_id=7, session_id="", issued_at=now - 60)
        assert not revocations.allows(customer_id=7, session_id="", issued_at=now)
        assert revocations.allows(customer_id=7, session_id="", issued_at=now + 1)
        assert revocations.allows(customer_id=8, session_id="", issued_at=now - 60)
    finally:
        task.cancel()


async def test_a_new_list_loads_what_was_revoked_before_it_started(redis: RedisServer) -> None:
    publisher = RevocationPublisher(redis_client(redis.url), prefix="t2")
    await publisher.revoke_session("early", valid_seconds=900)
    revoked_at = time.time()
    await publisher.revoke_customer(3, at=revoked_at)
    revocations = RevocationList(redis_client(redis.url), "t2")
    task = await _following(revocations)
    try:
        assert not revocations.allows(customer_id=1, session_id="early", issued_at=0)
        # Issued in the second it was revoked (reading the clock again could cross into the
        # next second, whose tokens are newer than the revocation).
        assert not revocations.allows(customer_id=3, session_id="", issued_at=int(revoked_at))
        # Another prefix is another platform: nothing of it is seen.
        other = RevocationList(redis_client(redis.url), "elsewhere")
        other_task = await _following(other)
        assert other.allows(customer_id=1, session_id="early", issued_at=0)
        other_task.cancel()
    finally:
        task.cancel()


@pytest.mark.parametrize("fail_closed", [False, True])
async def test_while_redis_is_down_the_list_goes_stale(
    redis: RedisServer, fail_closed: bool
) -> None:
    publisher = RevocationPublisher(redis_client(redis.url), prefix="t3")
    await publisher.revoke_session("gone", valid_seconds=900)
    revocations = RevocationList(redis_client(redis.url), "t3", fail_closed=fail_closed)
    task = await _following(revocations)
    try:
        redis.stop()
        await _until(lambda: revocations.state() is RevocationState.STALE, seconds=5)
        if fail_closed:
            with pytest.raises(RevocationUnavailable):
                revocations.allows(customer_id=1, session_id="other", issued_at=0)
        else:
            # Fail open: the last known list still refuses what it knew.
            assert not revocations.allows(customer_id=1, session_id="gone", issued_at=0)
            assert revocations.allows(customer_id=1, session_id="other", issued_at=0)
    finally:
        task.cancel()


async def test_what_could_not_be_published_is_published_once_redis_is_back(
    redis: RedisServer,
) -> None:
    port = redis.port
    redis.stop()
    sessions = FakeSessionRepository(FakeCustomerRepository())
    session_id = await sessions.start(1, Surface.V1, lifetime=60, refresh_hash=None)
    await sessions.end(session_id, 1)
    published = PublishedRevocations(
        RevocationPublisher(redis_client(redis.url), prefix="t4"),
        sessions,
        LIFETIMES,
        retry_seconds=0.1,
    )
    await published.session_ended(session_id, Surface.V1)  # Redis is down: not raised
    loop = asyncio.create_task(published.keep_published())
    try:
        with redis_server(port):
            revocations = RevocationList(redis_client(redis.url), "t4")
            task = await _following(revocations)
            await _until(lambda: session_id in revocations.sessions, seconds=5)
            task.cancel()
    finally:
        loop.cancel()
