"""Input the attack campaign found answered with a 500 or read loosely: non-ASCII digits,
duplicate JSON keys, bodies that are not declared JSON. Each is a 4xx naming what is wrong."""

from collections.abc import AsyncIterator

import pytest

from tekana_common.context import parse_cursor
from tekana_common.errors import InvalidArgument
from tests.support.gateway import GatewayUnderTest, gateway_with_fakes

ACCOUNT = "2000000000000018"
# Superscript two, Arabic-Indic one, full-width one: str.isdigit() says yes, int() no.
NON_ASCII_DIGITS = ["%C2%B2", "%D9%A1", "%EF%BC%91"]


@pytest.fixture
async def gw() -> AsyncIterator[GatewayUnderTest]:
    async with gateway_with_fakes() as gateway:
        yield gateway


def _auth(gw: GatewayUnderTest, *, admin: bool = False) -> dict[str, str]:
    return {"Authorization": f"Bearer {gw.token_for(1, admin=admin)}"}


@pytest.mark.parametrize("digit", NON_ASCII_DIGITS)
@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/v1/wallets/{ACCOUNT}/entries?limit={{d}}", "limit"),
        (f"/v1/wallets/{ACCOUNT}/entries?after={{d}}", "after"),
        (f"/v1/wallets/{ACCOUNT}/transactions?limit={{d}}", "limit"),
        (f"/v1/wallets/{ACCOUNT}/transactions?after={{d}}", "after"),
        ("/v1/customers?limit={d}", "limit"),
        ("/v1/customers?after={d}", "after"),
        ("/v1/customers/{d}", "id"),
    ],
)
async def test_v1_non_ascii_digits_are_a_400_naming_the_field(
    gw: GatewayUnderTest, url: str, field: str, digit: str
) -> None:
    response = await gw.client.get(url.format(d=digit), headers=_auth(gw, admin=True))
    problem = await response.json()
    assert response.status == 400, problem
    assert [e["field"] for e in problem["errors"]] == [field]


@pytest.mark.parametrize("digit", NON_ASCII_DIGITS)
async def test_legacy_non_ascii_customer_id_is_a_400(gw: GatewayUnderTest, digit: str) -> None:
    response = await gw.client.get(f"/customer/{digit}", headers=_auth(gw))
    body = await response.json()
    assert response.status == 400, body
    assert body["error"][0].startswith("id:")


@pytest.mark.parametrize("after", ["\u00b2", "\u0661", "\uff11", "1\u00b2"])
def test_service_cursors_refuse_non_ascii_digits(after: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        parse_cursor(after, start=0)
    assert refused.value.violations[0].field == "after"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/transaction",
            f'{{"senderAcc": "{ACCOUNT}", "receiverAcc": "2000000000000026",'
            ' "amount": 1, "amount": 2}',
            "amount",
        ),
        (
            "/v1/transfers",
            f'{{"from_account": "{ACCOUNT}", "to_account": "2000000000000026",'
            ' "amount": {"amount_minor": 1, "currency": "USD", "amount_minor": 900}}',
            "amount_minor",
        ),
        ("/customer/register", '{"email": "a@example.com", "email": "b@example.com"}', "email"),
    ],
)
async def test_duplicate_json_keys_are_refused(
    gw: GatewayUnderTest, path: str, body: str, field: str
) -> None:
    response = await gw.client.post(
        path, data=body, headers={**_auth(gw), "Content-Type": "application/json"}
    )
    answer = await response.json()
    assert response.status == 400, answer
    text = str(answer)
    assert field in text
    assert "more than once" in text


@pytest.mark.parametrize(
    "path",
    [
        "/transaction",
        "/wallet/deposit",
        "/customer/register",
        "/v1/transfers",
        f"/v1/wallets/{ACCOUNT}/deposits",
        "/v1/customers",
    ],
)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
async def test_money_and_registration_bodies_must_be_declared_json(
    gw: GatewayUnderTest, path: str, content_type: str
) -> None:
    headers = {**_auth(gw), "Content-Type": content_type}
    response = await gw.client.post(path, data=b'{"amount": 1}', headers=headers)
    answer = await response.json(content_type=None)
    assert response.status == 415, answer
    assert answer.get("code", "unsupported_media_type") == "unsupported_media_type"
    if not path.startswith("/v1"):
        assert answer["status"] == 415
