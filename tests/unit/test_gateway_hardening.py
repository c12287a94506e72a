"""Headers on every answer, no version banner, CORS only for allowed origins."""

from collections.abc import AsyncIterator

import pytest

from tests.support.gateway import GatewayUnderTest, gateway_with_fakes

ALLOWED = "https://app.tekana.example"


@pytest.fixture
async def gw() -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes(cors_origins=[ALLOWED]) as gateway:
        yield gateway


@pytest.mark.parametrize("path", ["/health", "/nowhere", "/v1/customers/me"])
async def test_every_answer_carries_security_headers(gw: GatewayUnderTest, path: str) -> None:
    response = await gw.client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Server"] == "tekana"
    assert "aiohttp" not in str(response.headers)


async def test_cors_answers_allowed_origins_only(gw: GatewayUnderTest) -> None:
    allowed = await gw.client.get("/health", headers={"Origin": ALLOWED})
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    other = await gw.client.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_preflight_from_an_allowed_origin(gw: GatewayUnderTest) -> None:
    preflight = await gw.client.options(
        "/v1/transfers",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 204
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    refused = await gw.client.options(
        "/v1/transfers",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status == 403
