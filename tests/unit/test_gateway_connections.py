"""Connection-level abuse: unparseable headers, slow clients, clients that hang up. None may
echo input, leak a token to the log, hold a connection open, or count as a server error."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest

from tekana_common import metrics
from tests.support.gateway import GatewayUnderTest, gateway_with_fakes


@pytest.fixture
async def gw() -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes(
        http_header_timeout_seconds=0.5, http_body_timeout_seconds=0.5
    ) as gateway:
        yield gateway


async def _exchange(gw: GatewayUnderTest, raw: bytes, *, wait: float = 5.0) -> bytes:
    """Send ``raw`` on a fresh connection; everything the gateway answers before closing."""
    server = gw.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(raw)
    await writer.drain()
    try:
        async with asyncio.timeout(wait):
            return await reader.read()
    finally:
        writer.close()


def _body(answer: bytes) -> dict[str, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b" 400 " in head.split(b"\r\n")[0], answer
    parsed: dict[str, object] = json.loads(body)
    return parsed


@pytest.mark.parametrize(
    ("path", "surface"), [("/v1/customers/me", "v1"), ("/customer/1", "legacy")]
)
async def test_a_control_byte_in_a_header_is_answered_without_echo(
    gw: GatewayUnderTest, caplog: pytest.LogCaptureFixture, path: str, surface: str
) -> None:
    token = gw.token_for(1)
    raw = (f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\x01\r\n\r\n").encode()
    with caplog.at_level(logging.DEBUG):
        answer = await _exchange(gw, raw)
    body = _body(answer)
    assert token not in answer.decode(errors="replace")
    assert token.split(".")[2] not in caplog.text
    assert not [r for r in caplog.records if r.name == "aiohttp.server"]
    if surface == "v1":
        assert body["code"] == "malformed_request"
        assert body["status"] == 400
    else:
        assert body["status"] == 400
        assert body["error"] == ["The request could not be read"]


async def test_headers_sent_too_slowly_close_the_connection(gw: GatewayUnderTest) -> None:
    server = gw.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    try:
        # The header deadline is 0.5 s; the connection must be gone well before 5 s.
        async with asyncio.timeout(5):
            assert await reader.read() == b""
    finally:
        writer.close()


async def test_a_body_sent_too_slowly_is_a_408(gw: GatewayUnderTest) -> None:
    raw = (
        b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"email":'
    )
    answer = await _exchange(gw, raw)
    status_line = answer.split(b"\r\n", 1)[0]
    assert b" 408 " in status_line, answer


def _count(route: str, status: str) -> float:
    value = metrics.HTTP_REQUESTS.labels("POST", route, status)._value.get()
    return float(value)


async def test_a_client_hanging_up_mid_body_is_not_a_server_error(gw: GatewayUnderTest) -> None:
    route = "/v1/customers"
    before_503, before_closed = _count(route, "503"), _count(route, "499")
    server = gw.client.server
    _, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(
        b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"email":'
    )
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()
    for _ in range(50):
        if _count(route, "499") > before_closed:
            break
        await asyncio.sleep(0.05)
    assert _count(route, "499") == before_closed + 1
    assert _count(route, "503") == before_503
