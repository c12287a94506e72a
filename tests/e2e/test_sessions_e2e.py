"""Sessions on the real platform and a second gateway process beside it: refresh tokens
rotate, a reused one ends its session, logout and an admin's disable stop every token on
every gateway within a second, and a disabled customer's money stays."""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from tests.support import api
from tests.support.platform import Platform, free_port
from tests.support.redis_server import RedisServer

PROPAGATION_SECONDS = 1.0


@pytest.fixture(scope="module")
def second_gateway(platform: Platform, platform_redis: RedisServer) -> Iterator[str]:
    """Another gateway replica on the same services and Redis."""
    port = free_port()
    state = platform.state_dir
    env = dict(
        os.environ,
        TEKANA_HTTP_PORT=str(port),
        TEKANA_METRICS_PORT="0",
        TEKANA_LOG_FORMAT="json",
        TEKANA_JWT_PUBLIC_KEY_FILE=str(state / "jwt-ed25519.pub.pem"),
        TEKANA_INTERNAL_TOKEN=(state / "internal-token").read_text().strip(),
        TEKANA_REDIS_URL=platform_redis.url,
        TEKANA_REDIS_PREFIX=platform.database_prefix,
        TEKANA_RATE_LIMIT_PER_ADDRESS="1000000",
        TEKANA_RATE_LIMIT_PER_EMAIL="1000000",
        **{
            f"TEKANA_{name.upper()}_ADDR": f"127.0.0.1:{port_}"
            for name, port_ in platform.service_ports.items()
        },
    )
    log = (state / "second-gateway.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tekana_gateway"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the second gateway exited"
        try:
            with urllib.request.urlopen(f"{url}/ready", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the second gateway never became ready")


@pytest.fixture
async def other(second_gateway: str) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=second_gateway) as session:
        yield session


async def _register(http: aiohttp.ClientSession) -> str:
    email = f"s-{uuid.uuid4().hex[:12]}@example.com"
    body = {
        "email": email,
        "password": api.PASSWORD,
        "full_name": "Sam Session",
        "national_id": api.NATIONAL_ID,
        "gender": "M",
    }
    assert (await http.post("/v1/customers", json=body)).status == 201
    return email


async def _login(http: aiohttp.ClientSession, email: str, password: str = api.PASSWORD) -> Any:
    response = await http.post("/v1/auth/token", json={"email": email, "password": password})
    body = await response.json()
    assert response.status == 200, body
    api.ISSUED_TOKENS.extend([body["access_token"], body["refresh_token"]])
    return body


async def _refresh(http: aiohttp.ClientSession, token: str) -> aiohttp.ClientResponse:
    return await http.post("/v1/auth/refresh", json={"refresh_token": token})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _me(http: aiohttp.ClientSession, token: str) -> int:
    async with http.get("/v1/customers/me", headers=_bearer(token)) as response:
        return response.status


async def _refused_everywhere(token: str, *gateways: aiohttp.ClientSession) -> float:
    """Seconds until every gateway refuses ``token`` (at most a little over the promise)."""
    started = time.monotonic()
    while time.monotonic() - started < PROPAGATION_SECONDS + 1:
        statuses = [await _me(gateway, token) for gateway in gateways]
        if all(status == 401 for status in statuses):
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError(f"still accepted after {PROPAGATION_SECONDS + 1} s: {statuses}")


async def test_refresh_tokens_rotate_and_a_reused_one_ends_the_session(
    http: aiohttp.ClientSession, other: aiohttp.ClientSession
) -> None:
    email = await _register(http)
    first = await _login(http, email)
    assert first["token_type"] == "Bearer"
    assert first["refresh_expires_in"] > first["expires_in"] > 0
    rotated = await _refresh(other, first["refresh_token"])
    second = await rotated.json()
    assert rotated.status == 200, second
    api.ISSUED_TOKENS.extend([second["access_token"], second["refresh_token"]])
    assert second["refresh_token"] != first["refresh_token"]
    assert await _me(http, second["access_token"]) == 200
    # Someone replays the used-up token: the whole session ends, the thief's and the
    # customer's tokens alike, on every gateway.
    replay = await _refresh(http, first["refresh_token"])
    assert replay.status == 401
    assert (await replay.json())["code"] == "refresh_token_reused"
    assert await _refused_everywhere(second["access_token"], http, other) <= PROPAGATION_SECONDS
    assert (await _refresh(other, second["refresh_token"])).status == 401
    # A new login is a new session.
    assert await _me(other, (await _login(other, email))["access_token"]) == 200


async def test_logout_on_one_gateway_stops_the_session_on_every_gateway(
    http: aiohttp.ClientSession, other: aiohttp.ClientSession
) -> None:
    email = await _register(http)
    kept, ended = await _login(http, email), await _login(http, email)
    assert await _me(other, ended["access_token"]) == 200
    logout = await other.post("/v1/auth/logout", headers=_bearer(ended["access_token"]))
    assert logout.status == 204
    assert await _refused_everywhere(ended["access_token"], http, other) <= PROPAGATION_SECONDS
    assert (await _refresh(http, ended["refresh_token"])).status == 401
    # Only that session: the customer's other session goes on.
    assert await _me(http, kept["access_token"]) == 200
    assert await _me(other, kept["access_token"]) == 200


async def _admin(http: aiohttp.ClientSession, platform: Platform) -> str:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    platform.create_admin(email, "admin password")
    token: str = (await _login(http, email, "admin password"))["access_token"]
    return token


async def test_a_disabled_customer_is_stopped_everywhere_and_keeps_their_money(
    http: aiohttp.ClientSession, other: aiohttp.ClientSession, platform: Platform
) -> None:
    admin = await _admin(http, platform)
    email = await _register(http)
    session = await _login(http, email)
    customer = api.Customer(http, 0, session["access_token"])
    account = await customer.new_wallet()
    await customer.deposit(account, 1_234)
    legacy = await http.put("/customer/login", json={"email": email, "password": api.PASSWORD})
    legacy_token = (await legacy.json())["token"]
    api.ISSUED_TOKENS.append(legacy_token)
    assert await _me(other, legacy_token) == 200
    me = await (await http.get("/v1/customers/me", headers=_bearer(session["access_token"]))).json()

    disabled = await other.post(f"/v1/customers/{me['id']}/disable", headers=_bearer(admin))
    assert disabled.status == 200
    assert (await disabled.json())["disabled"] is True
    for token in (session["access_token"], legacy_token):
        assert await _refused_everywhere(token, http, other) <= PROPAGATION_SECONDS
    assert (await _refresh(http, session["refresh_token"])).status == 401
    login = await http.post("/v1/auth/token", json={"email": email, "password": api.PASSWORD})
    assert login.status == 403
    assert (await login.json())["code"] == "customer_disabled"
    wallet = await http.get(f"/v1/wallets/{account}", headers=_bearer(admin))
    assert (await wallet.json())["balance"]["amount_minor"] == 1_234

    # Tokens carry whole seconds (iat): one issued in the second of the revocation point is
    # refused too, so a login that quick after the disable would be.
    await asyncio.sleep(1.1)
    enabled = await http.post(f"/v1/customers/{me['id']}/enable", headers=_bearer(admin))
    assert (await enabled.json())["disabled"] is False
    again = await _login(other, email)
    assert await _me(http, again["access_token"]) == 200
    # Tokens issued before the disable stay refused.
    assert await _me(http, session["access_token"]) == 401


async def test_only_admins_disable_customers(http: aiohttp.ClientSession) -> None:
    email = await _register(http)
    token = (await _login(http, email))["access_token"]
    refused = await http.post("/v1/customers/1/disable", headers=_bearer(token))
    assert refused.status == 403
    assert (await refused.json())["code"] == "admin_only"


async def test_a_password_change_stops_every_earlier_token_everywhere(
    http: aiohttp.ClientSession, other: aiohttp.ClientSession
) -> None:
    email = await _register(http)
    first, second = await _login(http, email), await _login(other, email)
    wrong = await http.post(
        "/v1/customers/me/password",
        json={"current_password": "not the password", "new_password": "a brand new one"},
        headers=_bearer(first["access_token"]),
    )
    assert wrong.status == 400
    assert [e["field"] for e in (await wrong.json())["errors"]] == ["current_password"]
    changed = await other.post(
        "/v1/customers/me/password",
        json={"current_password": api.PASSWORD, "new_password": "a brand new one"},
        headers=_bearer(first["access_token"]),
    )
    assert changed.status == 204
    for session in (first, second):
        assert await _refused_everywhere(session["access_token"], http, other) <= 1.0
        assert (await _refresh(http, session["refresh_token"])).status == 401
    old = await http.post("/v1/auth/token", json={"email": email, "password": api.PASSWORD})
    assert old.status == 401
    await asyncio.sleep(1.1)  # a token of the revocation point's own second is refused too
    fresh = await _login(http, email, "a brand new one")
    assert await _me(other, fresh["access_token"]) == 200
