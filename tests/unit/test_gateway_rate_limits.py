"""Attempt limits on login and registration, on a real Redis the test starts and stops."""

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support.gateway import ANN, GatewayUnderTest, gateway_with_fakes
from tests.support.redis_server import RedisServer, redis_server

WINDOW = 1.5
LOGIN = {"email": "ann@example.com", "password": "long enough"}


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture
async def gw(redis: RedisServer) -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes(
        redis_url=redis.url,
        rate_limit_window_seconds=WINDOW,
        rate_limit_per_email=3,
        rate_limit_per_address=50,
    ) as gateway:
        yield gateway


async def test_login_is_limited_per_email_then_recovers(gw: GatewayUnderTest) -> None:
    statuses = [(await gw.client.post("/v1/auth/token", json=LOGIN)).status for _ in range(3)]
    assert statuses == [401, 401, 401]
    limited = await gw.client.post("/v1/auth/token", json=LOGIN)
    assert limited.status == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 2
    assert (await limited.json())["code"] == "rate_limited"
    legacy = await gw.client.put("/customer/login", json=LOGIN)
    assert legacy.status == 429
    assert await legacy.json() == {"status": 429, "error": ["Too many attempts, try again later"]}
    other_email = await gw.client.post("/v1/auth/token", json=dict(LOGIN, email="bob@example.com"))
    assert other_email.status == 401
    await asyncio.sleep(WINDOW + 0.2)
    assert (await gw.client.post("/v1/auth/token", json=LOGIN)).status == 401


async def test_registration_is_limited_per_client_address(redis: RedisServer) -> None:
    async with gateway_with_fakes(
        redis_url=redis.url, rate_limit_window_seconds=WINDOW, rate_limit_per_address=2
    ) as gw:
        bodies = [
            {
                "email": f"r{n}@example.com",
                "password": "long enough",
                "full_name": "R",
                "national_id": "1",
                "gender": "M",
            }
            for n in range(3)
        ]
        statuses = [(await gw.client.post("/v1/customers", json=b)).status for b in bodies]
        assert statuses == [201, 201, 429]


async def test_without_redis_the_gateway_keeps_serving(
    gw: GatewayUnderTest, redis: RedisServer
) -> None:
    await gw.client.post(
        "/v1/customers",
        json=ANN,
    )
    assert (await (await gw.client.get("/ready")).json())["rate_limiter"] == "ok"
    redis.stop()
    assert (await gw.client.get("/health")).status == 200
    ready = await gw.client.get("/ready")
    assert ready.status == 200
    assert (await ready.json())["rate_limiter"] == "unavailable"
    me = await gw.client.get(
        "/v1/customers/me", headers={"Authorization": f"Bearer {gw.token_for(1)}"}
    )
    assert me.status == 200
    for _ in range(5):
        assert (await gw.client.post("/v1/auth/token", json=LOGIN)).status == 200


async def test_login_can_be_configured_to_fail_closed_without_redis(redis: RedisServer) -> None:
    async with gateway_with_fakes(redis_url=redis.url, rate_limit_fail_closed_login=True) as gw:
        redis.stop()
        refused = await gw.client.post("/v1/auth/token", json=LOGIN)
        assert refused.status == 503
        assert (await refused.json())["code"] == "login_unavailable"
        assert (await gw.client.get("/health")).status == 200


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


@pytest.fixture
async def behind_proxy(redis: RedisServer) -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes(
        redis_url=redis.url,
        rate_limit_window_seconds=30,
        rate_limit_per_email=3,
        rate_limit_per_address=5,
        trusted_proxy_hops=1,
    ) as gateway:
        assert (await gateway.client.post("/v1/customers", json=ANN)).status == 201
        yield gateway


async def test_an_attacker_elsewhere_cannot_lock_the_owner_out(
    behind_proxy: GatewayUnderTest,
) -> None:
    gw, wrong = behind_proxy, dict(LOGIN, password="not the password")
    attacker = [
        (await gw.client.post("/v1/auth/token", json=wrong, headers=_from("203.0.113.9"))).status
        for _ in range(5)
    ]
    assert attacker == [401, 401, 401, 429, 429]
    verified_before = gw.hasher.verifications
    owner = await gw.client.post("/v1/auth/token", json=LOGIN, headers=_from("198.51.100.7"))
    assert owner.status == 200
    legacy = await gw.client.put("/customer/login", json=LOGIN, headers=_from("198.51.100.7"))
    assert (await legacy.json())["status"] == 200
    # The owner's password was still checked by the (here fake) argon2id hasher.
    assert gw.hasher.verifications == verified_before + 2


async def test_correct_passwords_never_count(behind_proxy: GatewayUnderTest) -> None:
    statuses = [
        (await behind_proxy.client.post("/v1/auth/token", json=LOGIN)).status for _ in range(8)
    ]
    assert statuses == [200] * 8


async def test_a_success_forgets_that_address_failures_for_the_email(
    behind_proxy: GatewayUnderTest,
) -> None:
    gw, wrong = behind_proxy, dict(LOGIN, password="typo typo")
    here = _from("198.51.100.7")
    for _ in range(2):
        assert (await gw.client.post("/v1/auth/token", json=wrong, headers=here)).status == 401
    assert (await gw.client.post("/v1/auth/token", json=LOGIN, headers=here)).status == 200
    for _ in range(2):
        assert (await gw.client.post("/v1/auth/token", json=wrong, headers=here)).status == 401
    assert (await gw.client.post("/v1/auth/token", json=LOGIN, headers=here)).status == 200


async def test_failures_from_one_address_are_limited_across_emails(
    behind_proxy: GatewayUnderTest,
) -> None:
    here = _from("203.0.113.50")
    statuses = [
        (
            await behind_proxy.client.post(
                "/v1/auth/token",
                json={"email": f"guess{n}@example.com", "password": "long enough"},
                headers=here,
            )
        ).status
        for n in range(6)
    ]
    assert statuses == [401] * 5 + [429]
