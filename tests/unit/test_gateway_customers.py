"""The gateway's customer endpoints on both surfaces, in front of a real servicer on fakes."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.gateway import GatewayUnderTest, gateway_with_fakes

LEGACY_ANN = {
    "email": "ann@example.com",
    "password": "long enough",
    "fullName": "Ann",
    "nationalId": "42",
    "gender": "F",
}
V1_ANN = {
    "email": "ann@example.com",
    "password": "long enough",
    "full_name": "Ann",
    "national_id": "42",
    "gender": "F",
}


@pytest.fixture
async def gw() -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes() as gateway:
        yield gateway


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_legacy_register_and_login(gw: GatewayUnderTest) -> None:
    registered = await gw.client.post("/customer/register", json=LEGACY_ANN)
    assert registered.status == 201
    assert await registered.json() == {"status": 201}
    login = await gw.client.put(
        "/customer/login", json={"email": "ANN@example.com", "password": "long enough"}
    )
    body = await login.json()
    assert login.status == 200
    assert body["status"] == 200
    assert body["token"].count(".") == 2


async def test_legacy_duplicate_email_keeps_the_old_envelope(gw: GatewayUnderTest) -> None:
    await gw.client.post("/customer/register", json=LEGACY_ANN)
    again = await gw.client.post(
        "/customer/register", json=dict(LEGACY_ANN, email="ANN@example.com")
    )
    assert again.status == 201
    assert await again.json() == {"status": 409, "error": ["E-Mail already exists"]}


async def test_legacy_login_failure_says_one_thing_for_both_mistakes(gw: GatewayUnderTest) -> None:
    await gw.client.post("/customer/register", json=LEGACY_ANN)
    wrong_password = await gw.client.put(
        "/customer/login", json={"email": "ann@example.com", "password": "wrong password"}
    )
    unknown_email = await gw.client.put(
        "/customer/login", json={"email": "bob@example.com", "password": "long enough"}
    )
    assert await wrong_password.json() == await unknown_email.json()
    # The old system's status for it (the message is one for both: fix 7).
    assert await wrong_password.json() == {"status": 404, "error": ["Invalid e-mail or password"]}


async def test_legacy_get_customer_returns_that_customer_or_not_found(gw: GatewayUnderTest) -> None:
    await gw.client.post("/customer/register", json=LEGACY_ANN)
    await gw.client.post("/customer/register", json=dict(LEGACY_ANN, email="bob@example.com"))
    own = await gw.client.get("/customer/2", headers=bearer(gw.token_for(2)))
    assert (await own.json())["data"] == {
        "id": 2,
        "email": "bob@example.com",
        "fullName": "Ann",
        "nationalId": "42",
        "gender": "F",
    }
    other = await gw.client.get("/customer/1", headers=bearer(gw.token_for(2)))
    assert await other.json() == {"status": 404, "error": ["Customer not found"]}
    as_admin = await gw.client.get("/customer/1", headers=bearer(gw.token_for(99, admin=True)))
    assert (await as_admin.json())["data"]["id"] == 1


async def test_legacy_customer_list_is_for_admins(gw: GatewayUnderTest) -> None:
    await gw.client.post("/customer/register", json=LEGACY_ANN)
    refused = await gw.client.get("/customer", headers=bearer(gw.token_for(1)))
    assert (await refused.json())["status"] == 403
    listed = await gw.client.get("/customer", headers=bearer(gw.token_for(9, admin=True)))
    assert [c["email"] for c in (await listed.json())["data"]] == ["ann@example.com"]


async def test_v1_create_customer_answers_201_with_location(gw: GatewayUnderTest) -> None:
    created = await gw.client.post("/v1/customers", json=V1_ANN)
    body = await created.json()
    assert created.status == 201
    assert created.headers["Location"] == f"/v1/customers/{body['id']}"
    assert body["full_name"] == "Ann"
    assert "password" not in body


async def test_v1_token_then_me(gw: GatewayUnderTest) -> None:
    await gw.client.post("/v1/customers", json=V1_ANN)
    token = await gw.client.post(
        "/v1/auth/token", json={"email": "ann@example.com", "password": "long enough"}
    )
    body = await token.json()
    assert body["token_type"] == "Bearer"
    me = await gw.client.get("/v1/customers/me", headers=bearer(body["access_token"]))
    assert (await me.json())["email"] == "ann@example.com"


async def test_v1_errors_are_problem_json_with_stable_codes(gw: GatewayUnderTest) -> None:
    await gw.client.post("/v1/customers", json=V1_ANN)
    conflict = await gw.client.post("/v1/customers", json=V1_ANN)
    assert conflict.status == 409
    assert conflict.content_type == "application/problem+json"
    problem = await conflict.json()
    assert problem["code"] == "email_taken"
    assert problem["status"] == 409
    assert "request_id" not in problem
    assert len(conflict.headers["X-Request-ID"]) == 32


async def test_v1_list_pages_with_a_cursor(gw: GatewayUnderTest) -> None:
    for n in range(3):
        await gw.client.post("/v1/customers", json=dict(V1_ANN, email=f"c{n}@example.com"))
    admin = bearer(gw.token_for(99, admin=True))
    first = await (await gw.client.get("/v1/customers?limit=2", headers=admin)).json()
    assert [c["id"] for c in first["data"]] == [1, 2]
    assert first["has_more"] is True
    rest = await gw.client.get(f"/v1/customers?limit=2&after={first['next_after']}", headers=admin)
    second = await rest.json()
    assert [c["id"] for c in second["data"]] == [3]
    assert second == dict(second, has_more=False, next_after=None)


BODY_ENDPOINTS = [
    ("POST", "/customer/register", LEGACY_ANN, "fullName"),
    ("PUT", "/customer/login", {"email": "a@b.co", "password": "long enough"}, "email"),
    ("POST", "/v1/customers", V1_ANN, "full_name"),
    ("POST", "/v1/auth/token", {"email": "a@b.co", "password": "long enough"}, "email"),
]


def bad_bodies(valid: dict[str, Any], text_field: str) -> list[tuple[str, Any, str]]:
    """(label, body, field the answer must name) for each kind of bad input."""
    missing_one = {k: v for k, v in valid.items() if k != "password"}
    return [
        ("missing field", missing_one, "password"),
        ("wrong type", dict(valid, password=12345678), "password"),
        ("null", dict(valid, email=None), "email"),
        ("oversize string", dict(valid, **{text_field: "x" * 300}), text_field),
        ("malformed json", "{not json", "body"),
        ("array body", [valid], "body"),
        ("empty body", "", "body"),
    ]


def violation_fields(path: str, body: dict[str, Any]) -> list[str]:
    if path.startswith("/v1"):
        return [e["field"] for e in body["errors"]]
    return [message.split(":")[0] for message in body["error"]]


@pytest.mark.parametrize(("method", "path", "valid", "text_field"), BODY_ENDPOINTS)
async def test_bad_input_is_400_naming_the_field(
    gw: GatewayUnderTest, method: str, path: str, valid: dict[str, Any], text_field: str
) -> None:
    for label, bad, field in bad_bodies(valid, text_field):
        kwargs: dict[str, Any] = (
            {"data": bad, "headers": {"Content-Type": "application/json"}}
            if isinstance(bad, str)
            else {"json": bad}
        )
        response = await gw.client.request(method, path, **kwargs)
        body = await response.json()
        assert response.status == 400, label
        assert body["status"] == 400, label
        assert field in violation_fields(path, body), label


async def test_v1_refuses_unknown_fields_and_legacy_ignores_them(gw: GatewayUnderTest) -> None:
    v1 = await gw.client.post("/v1/customers", json=dict(V1_ANN, nickname="annie"))
    assert v1.status == 400
    assert violation_fields("/v1", await v1.json()) == ["nickname"]
    legacy = await gw.client.post("/customer/register", json=dict(LEGACY_ANN, nickname="annie"))
    assert await legacy.json() == {"status": 201}


async def test_service_side_rules_also_name_the_field(gw: GatewayUnderTest) -> None:
    short = await gw.client.post("/v1/customers", json=dict(V1_ANN, password="short"))
    assert short.status == 400
    assert violation_fields("/v1", await short.json()) == ["password"]
    bad_email = await gw.client.post("/customer/register", json=dict(LEGACY_ANN, email="nope"))
    assert await bad_email.json() == {
        "status": 400,
        "error": ["email: is not a valid e-mail address"],
    }


@pytest.mark.parametrize(
    "path",
    ["/customer/abc", "/customer/0", "/v1/customers/-1", "/v1/customers/99999999999999999999"],
)
async def test_bad_path_ids_are_400(gw: GatewayUnderTest, path: str) -> None:
    response = await gw.client.get(path, headers=bearer(gw.token_for(1)))
    assert response.status == 400
    assert "id" in violation_fields(path, await response.json())


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "limit=101", "after=" + "9" * 70])
async def test_bad_list_queries_are_400(gw: GatewayUnderTest, query: str) -> None:
    response = await gw.client.get(
        f"/v1/customers?{query}", headers=bearer(gw.token_for(1, admin=True))
    )
    assert response.status == 400


async def test_oversize_body_is_413(gw: GatewayUnderTest) -> None:
    huge = {"email": "a@b.co", "password": "x" * (70 * 1024)}
    legacy = await gw.client.put("/customer/login", json=huge)
    v1 = await gw.client.post("/v1/auth/token", json=huge)
    assert legacy.status == 413
    assert v1.status == 413
    assert (await v1.json())["code"] == "body_too_large"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer garbage", "Basic abc", "Bearer a.b.c"])
async def test_bad_tokens_are_401_on_both_surfaces(
    gw: GatewayUnderTest, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    legacy = await gw.client.get("/customer/1", headers=headers)
    assert legacy.status == 401
    assert await legacy.json() == {"statusCode": 401, "message": "Unauthorized"}
    v1 = await gw.client.get("/v1/customers/me", headers=headers)
    assert v1.status == 401
    assert v1.headers["WWW-Authenticate"].startswith("Bearer")


async def test_unknown_routes_are_404_on_both_surfaces(gw: GatewayUnderTest) -> None:
    legacy = await gw.client.get("/nowhere")
    assert legacy.status == 404
    assert (await legacy.json())["message"] == "Cannot GET /nowhere"
    v1 = await gw.client.get("/v1/nowhere")
    assert v1.status == 404
    assert (await v1.json())["code"] == "route_not_found"


async def test_request_ids_are_echoed(gw: GatewayUnderTest) -> None:
    response = await gw.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    generated = await gw.client.get("/health")
    assert len(generated.headers["X-Request-ID"]) == 32


async def test_ready_reports_each_upstream(gw: GatewayUnderTest) -> None:
    response = await gw.client.get("/ready")
    assert response.status == 200
    assert await response.json() == {
        "status": "ready",
        "upstreams": {"customer": "serving", "wallet": "serving", "transaction": "serving"},
        "rate_limiter": "disabled",
        "revocations": "disabled",
    }


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"email": "a\\u0000@b.co", "password": "long enough"}', "email"),
        (b'{"email": "a@b.co", "password": "long \\ud800 enough"}', "password"),
        (b'{"email": "a@b.co", "password": "long enough", "x": {"\\u0000": 1}}', "x.\x00"),
    ],
)
async def test_text_no_database_can_store_is_refused_naming_the_field(
    gw: GatewayUnderTest, raw: bytes, field: str
) -> None:
    response = await gw.client.post("/v1/auth/token", data=raw)
    assert response.status == 400
    assert [e["field"] for e in (await response.json())["errors"]] == [field]
