"""What the platform logs never holds a password, a token or a national id."""

import asyncio
import uuid

import aiohttp
from yarl import URL

from tests.support.platform import Platform

PASSWORD = "unmistakable-secret-9f2c"
NATIONAL_ID = "1987654321098765"


async def test_logs_hold_no_password_token_or_national_id(
    http: aiohttp.ClientSession, platform: Platform
) -> None:
    email = f"hygiene-{uuid.uuid4().hex[:8]}@example.com"
    body = {
        "email": email,
        "password": PASSWORD,
        "full_name": "Hy Giene",
        "national_id": NATIONAL_ID,
        "gender": "M",
    }
    assert (await http.post("/v1/customers", json=body)).status == 201
    assert (await http.post("/v1/customers", json=body)).status == 409
    wrong = await http.post("/v1/auth/token", json={"email": email, "password": PASSWORD + "x"})
    assert wrong.status == 401
    token = (
        await (
            await http.post("/v1/auth/token", json={"email": email, "password": PASSWORD})
        ).json()
    )["access_token"]
    me = await http.get("/v1/customers/me", headers={"Authorization": f"Bearer {token}"})
    assert (await me.json())["national_id"] == NATIONAL_ID
    # A valid token behind a stray control byte: the HTTP parser refuses the header.
    answer = await _raw_request(
        platform, f"GET /v1/customers/me HTTP/1.1\r\nAuthorization: Bearer {token}\x7f\r\n\r\n"
    )
    assert b" 400 " in answer.split(b"\r\n", 1)[0]
    assert token.encode() not in answer
    logs = platform.logs()
    for secret in (PASSWORD, NATIONAL_ID, token, token.split(".")[2]):
        assert secret not in logs
    assert '"http_request"' in logs


async def _raw_request(platform: Platform, text: str) -> bytes:
    url = URL(platform.base_url)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(text.encode())
    await writer.drain()
    try:
        async with asyncio.timeout(10):
            return await reader.read()
    finally:
        writer.close()
