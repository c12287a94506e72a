"""Read-only mode (the cut-over window, an incident): registration and money movements
answer 503 with Retry-After in each surface's own body; logins and reads still work."""

import pytest

from tekana_common.context import Role
from tekana_customer.domain import Gender, NewCustomer
from tekana_gateway.middlewares import REFUSED_WHEN_READ_ONLY
from tests.support.gateway import ANN, GatewayUnderTest, gateway_with_fakes

LEGACY = [
    ("POST", "/customer/register", {"email": "b@example.com", "password": "long enough"}),
    ("POST", "/wallet/deposit", {"accNumber": "200-1-1", "amount": 5, "transactionId": 7}),
    ("POST", "/transaction", {"senderAcc": "200-1-1", "receiverAcc": "200-2-2", "amount": 1}),
]
V1 = [
    ("POST", "/v1/customers", ANN),
    ("POST", "/v1/wallets/2000000000000018/deposits", {"amount": {"amount_minor": 5}}),
    ("POST", "/v1/transfers", {"from_account": "a", "to_account": "b", "amount": {}}),
]


async def _with_ann(gw: GatewayUnderTest) -> None:
    await gw.repo.add(
        NewCustomer(
            email=ANN["email"],
            password_hash=await gw.hasher.hash(ANN["password"]),
            full_name=ANN["full_name"],
            national_id=ANN["national_id"],
            gender=Gender.FEMALE,
            roles=frozenset({Role.CUSTOMER}),
        )
    )


async def test_every_refused_route_is_one_the_gateway_serves() -> None:
    async with gateway_with_fakes() as gw:
        served = {
            (r.method, r.resource.canonical)
            for r in gw.client.app.router.routes()
            if r.resource is not None
        }
    assert served >= REFUSED_WHEN_READ_ONLY
    assert len(REFUSED_WHEN_READ_ONLY) == len(LEGACY) + len(V1)


@pytest.mark.parametrize(("method", "path", "body"), LEGACY)
async def test_the_legacy_surface_refuses_in_its_envelope(
    method: str, path: str, body: dict[str, object]
) -> None:
    async with gateway_with_fakes(read_only=True, read_only_retry_after_seconds=120) as gw:
        headers = {"Authorization": f"Bearer {gw.token_for(1)}"}
        answer = await gw.client.request(method, path, json=body, headers=headers)
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "120"
        found = await answer.json()
        assert found["status"] == 503
        assert "read-only" in found["error"][0]


@pytest.mark.parametrize(("method", "path", "body"), V1)
async def test_v1_refuses_with_problem_json(
    method: str, path: str, body: dict[str, object]
) -> None:
    async with gateway_with_fakes(read_only=True) as gw:
        headers = {"Authorization": f"Bearer {gw.token_for(1)}"}
        answer = await gw.client.request(method, path, json=body, headers=headers)
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "300"
        assert answer.content_type == "application/problem+json"
        assert (await answer.json())["code"] == "read_only"


async def test_logins_and_reads_work_while_read_only() -> None:
    async with gateway_with_fakes(read_only=True) as gw:
        await _with_ann(gw)
        token = await gw.client.post(
            "/v1/auth/token", json={"email": ANN["email"], "password": ANN["password"]}
        )
        assert token.status == 200
        auth = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
        me = await gw.client.get("/v1/customers/me", headers=auth)
        assert me.status == 200
        assert (await me.json())["email"] == ANN["email"]
        legacy = await gw.client.put(
            "/customer/login", json={"email": ANN["email"], "password": ANN["password"]}
        )
        assert legacy.status == 200
        assert (await legacy.json())["status"] == 200


async def test_out_of_read_only_the_same_requests_are_served() -> None:
    async with gateway_with_fakes() as gw:
        answer = await gw.client.post("/v1/customers", json=ANN)
        assert answer.status == 201
