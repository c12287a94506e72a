"""Customers through the real gateway and customer service processes, on both surfaces."""

import uuid

import aiohttp
import pytest

from tekana_common.auth import load_private_key
from tests.support.keys import (
    alg_none_token,
    claims,
    expired_token,
    hs256_token,
    signed_by_stranger,
)
from tests.support.platform import Platform


def new_email() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}@Example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register_and_login(http: aiohttp.ClientSession, email: str) -> str:
    registered = await http.post(
        "/customer/register",
        json={
            "email": email,
            "password": "long enough",
            "fullName": "E2E Person",
            "nationalId": "1190000000000",
            "gender": "M",
        },
    )
    assert await registered.json() == {"status": 201}
    login = await http.put("/customer/login", json={"email": email, "password": "long enough"})
    token: str = (await login.json())["token"]
    return token


async def test_health_and_readiness(http: aiohttp.ClientSession) -> None:
    assert (await http.get("/health")).status == 200
    ready = await http.get("/ready")
    assert ready.status == 200
    assert (await ready.json())["upstreams"]["customer"] == "serving"


async def test_legacy_journey(http: aiohttp.ClientSession) -> None:
    email = new_email()
    token = await register_and_login(http, email)
    duplicate = await http.post(
        "/customer/register",
        json={
            "email": email.upper(),
            "password": "long enough",
            "fullName": "Twin",
            "nationalId": "1",
            "gender": "F",
        },
    )
    assert await duplicate.json() == {"status": 409, "error": ["E-Mail already exists"]}
    me = await (await http.get("/v1/customers/me", headers=bearer(token))).json()
    own = await http.get(f"/customer/{me['id']}", headers=bearer(token))
    assert (await own.json())["data"]["email"].lower() == email.lower()
    others = await http.get(f"/customer/{me['id'] + 100000}", headers=bearer(token))
    assert await others.json() == {"status": 404, "error": ["Customer not found"]}
    listing = await http.get("/customer", headers=bearer(token))
    assert (await listing.json())["status"] == 403


async def test_v1_journey(http: aiohttp.ClientSession) -> None:
    email = new_email()
    created = await http.post(
        "/v1/customers",
        json={
            "email": email,
            "password": "long enough",
            "full_name": "V One",
            "national_id": "77",
            "gender": "F",
        },
    )
    assert created.status == 201
    customer = await created.json()
    token = await http.post(
        "/v1/auth/token", json={"email": email.lower(), "password": "long enough"}
    )
    access = (await token.json())["access_token"]
    fetched = await http.get(f"/v1/customers/{customer['id']}", headers=bearer(access))
    assert (await fetched.json()) == customer
    wrong = await http.post("/v1/auth/token", json={"email": email, "password": "not it at all"})
    assert wrong.status == 401
    assert (await wrong.json())["code"] == "invalid_credentials"


async def test_admin_created_by_the_cli_can_list_customers(
    http: aiohttp.ClientSession, platform: Platform
) -> None:
    email = new_email()
    assert "created administrator" in platform.create_admin(email, "admin password")
    token = await http.post("/v1/auth/token", json={"email": email, "password": "admin password"})
    admin = bearer((await token.json())["access_token"])
    await register_and_login(http, new_email())
    page = await (await http.get("/v1/customers?limit=1", headers=admin)).json()
    assert len(page["data"]) == 1
    assert page["has_more"] is True
    legacy = await (await http.get("/customer", headers=admin)).json()
    assert legacy["status"] == 200
    assert email.lower() in [c["email"].lower() for c in legacy["data"]]


def bad_tokens(platform: Platform) -> dict[str, str | None]:
    return {
        "missing": None,
        "garbage": "garbage",
        "expired": expired_token(load_private_key(platform.private_key_pem), 1),
        "wrongly signed": signed_by_stranger(1),
        "alg none": alg_none_token(1),
        "hs256 with the public key": hs256_token(
            claims(1), secret=(platform.state_dir / "jwt-ed25519.pub.pem").read_bytes()
        ),
    }


@pytest.mark.parametrize(
    "path", ["/customer", "/customer/1", "/v1/customers/me", "/v1/customers/1"]
)
async def test_bad_tokens_get_401(
    http: aiohttp.ClientSession, platform: Platform, path: str
) -> None:
    for label, token in bad_tokens(platform).items():
        headers = bearer(token) if token else {}
        response = await http.get(path, headers=headers)
        assert response.status == 401, label
        if not path.startswith("/v1"):
            assert await response.json() == {"statusCode": 401, "message": "Unauthorized"}, label
