"""One real platform, started as ``up`` starts it, shared by the e2e suite."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.support import api
from tests.support.database import drop_databases_like
from tests.support.platform import Platform, start_platform
from tests.support.redis_server import RedisServer, redis_server


@pytest.fixture(scope="session")
def platform_redis() -> Iterator[RedisServer]:
    """The platform's own Redis (revocations, limits), so no test run shares its keys."""
    with redis_server() as server:
        yield server


@pytest.fixture(scope="session")
def platform(
    tmp_path_factory: pytest.TempPathFactory, platform_redis: RedisServer
) -> Iterator[Platform]:
    running = start_platform(
        Path(tmp_path_factory.mktemp("platform")), TEKANA_REDIS_URL=platform_redis.url
    )
    yield running
    exit_status = running.stop()
    asyncio.run(drop_databases_like(running.database_prefix))
    assert exit_status == 0, running.logs()
    # The whole run's logs: no password, national id or token the suite used may be in them.
    logs = running.logs()
    leaked = [s for s in (api.PASSWORD, api.NATIONAL_ID, *api.ISSUED_TOKENS) if s in logs]
    assert leaked == [], f"{len(leaked)} secrets found in the platform's logs"


@pytest.fixture
async def http(platform: Platform) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=platform.base_url) as session:
        yield session
