"""Amounts on both surfaces: anything but an exact, positive, in-range amount is a 400 that
names the field, before any service is called."""

from collections.abc import AsyncIterator

import pytest

from tests.support.gateway import GatewayUnderTest, gateway_with_fakes

ACCOUNT = "2000000000000018"
JSON = "application/json"


@pytest.fixture
async def gw() -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes() as gateway:
        yield gateway


BAD_MAJOR_AMOUNTS = [
    "0",
    "-5",
    '"abc"',
    '"NaN"',
    '"1e3"',
    '"10.001"',
    '"0"',
    '"-5"',
    '" 10"',
    '""',
    "NaN",
    "Infinity",
    "-Infinity",
    "1.001",
    "1e30",
    "true",
    "null",
    "[]",
    "{}",
]


@pytest.mark.parametrize("amount", BAD_MAJOR_AMOUNTS)
@pytest.mark.parametrize("path", ["/transaction", "/wallet/deposit"])
async def test_legacy_amounts_are_checked(gw: GatewayUnderTest, path: str, amount: str) -> None:
    fields = (
        f'"senderAcc": "{ACCOUNT}", "receiverAcc": "2000000000000026"'
        if path == "/transaction"
        else f'"accNumber": "{ACCOUNT}", "transactionId": "t-1"'
    )
    response = await gw.client.post(
        path,
        data=f'{{{fields}, "amount": {amount}}}',
        headers={"Authorization": f"Bearer {gw.token_for(1)}", "Content-Type": JSON},
    )
    body = await response.json()
    assert response.status == 400, body
    assert body["status"] == 400
    # Named plainly: the legacy field, not the validator's inner types.
    assert [m.split(":")[0] for m in body["error"]] == ["amount"], body


BAD_MINOR_AMOUNTS = ["0", "-1", "1.5", '"100"', "NaN", "Infinity", "9223372036854775808", "true"]


@pytest.mark.parametrize("amount", BAD_MINOR_AMOUNTS)
@pytest.mark.parametrize("path", ["/v1/transfers", f"/v1/wallets/{ACCOUNT}/deposits"])
async def test_v1_amounts_are_checked(gw: GatewayUnderTest, path: str, amount: str) -> None:
    accounts = (
        f'"from_account": "{ACCOUNT}", "to_account": "2000000000000026", '
        if path == "/v1/transfers"
        else ""
    )
    response = await gw.client.post(
        path,
        data=f'{{{accounts}"amount": {{"amount_minor": {amount}, "currency": "USD"}}}}',
        headers={"Authorization": f"Bearer {gw.token_for(1)}", "Content-Type": JSON},
    )
    problem = await response.json()
    assert response.status == 400, problem
    assert [e["field"] for e in problem["errors"]] == ["amount.amount_minor"]


@pytest.mark.parametrize("currency", ["usd", "US", "DOLLARS", "123"])
async def test_v1_currencies_are_three_capital_letters(gw: GatewayUnderTest, currency: str) -> None:
    response = await gw.client.post(
        "/v1/wallets",
        json={"type": "saving", "currency": currency},
        headers={"Authorization": f"Bearer {gw.token_for(1)}"},
    )
    assert response.status == 400
    assert [e["field"] for e in (await response.json())["errors"]] == ["currency"]


async def test_v1_idempotency_keys_are_bounded(gw: GatewayUnderTest) -> None:
    response = await gw.client.post(
        "/v1/transfers",
        json={
            "from_account": ACCOUNT,
            "to_account": "2000000000000026",
            "amount": {"amount_minor": 5, "currency": "USD"},
        },
        headers={"Authorization": f"Bearer {gw.token_for(1)}", "Idempotency-Key": "k" * 129},
    )
    assert response.status == 400
    assert [e["field"] for e in (await response.json())["errors"]] == ["Idempotency-Key"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/wallet"),
        ("GET", "/wallet"),
        ("GET", f"/wallet/{ACCOUNT}"),
        ("POST", "/wallet/deposit"),
        ("POST", "/transaction"),
        ("GET", f"/transaction/{ACCOUNT}"),
        ("POST", "/v1/wallets"),
        ("GET", "/v1/wallets"),
        ("GET", f"/v1/wallets/{ACCOUNT}/entries"),
        ("POST", "/v1/transfers"),
        ("GET", "/v1/transfers/x"),
    ],
)
async def test_money_endpoints_need_a_token(gw: GatewayUnderTest, method: str, path: str) -> None:
    response = await gw.client.request(method, path, json={})
    assert response.status == 401
