"""What the old front-end relied on, measured against the running old system, through the
real platform: amounts as decimal strings, gender defaulting to M, a failed login's 404,
lists oldest first, empty lists left out of the body."""

import uuid

import aiohttp

from tests.support.api import new_customer


async def test_registration_without_gender_stores_m(http: aiohttp.ClientSession) -> None:
    email = f"legacy-{uuid.uuid4().hex[:12]}@example.com"
    registered = await http.post(
        "/customer/register",
        json={
            "email": email,
            "password": "long enough",
            "fullName": "No Gender",
            "nationalId": "1",
        },
    )
    assert await registered.json() == {"status": 201}
    login = await (
        await http.put("/customer/login", json={"email": email, "password": "long enough"})
    ).json()
    auth = {"Authorization": f"Bearer {login['token']}"}
    me = await (await http.get("/v1/customers/me", headers=auth)).json()
    shown = await (await http.get(f"/customer/{me['id']}", headers=auth)).json()
    assert shown["data"]["gender"] == "M"


async def test_a_failed_login_answers_404_with_one_message(http: aiohttp.ClientSession) -> None:
    ann = await new_customer(http)
    me = await (await http.get("/v1/customers/me", headers=ann.auth)).json()
    wrong = await http.put("/customer/login", json={"email": me["email"], "password": "nope nope"})
    unknown = await http.put(
        "/customer/login", json={"email": "nobody-at-all@example.com", "password": "nope nope"}
    )
    assert wrong.status == 200
    assert (
        await wrong.json()
        == await unknown.json()
        == {
            "status": 404,
            "error": ["Invalid e-mail or password"],
        }
    )


async def test_amounts_may_be_decimal_strings(http: aiohttp.ClientSession) -> None:
    ann = await new_customer(http)
    savings, spending = await ann.new_wallet(), await ann.new_wallet()
    deposit = await http.post(
        "/wallet/deposit",
        json={"accNumber": savings, "amount": "100.50", "transactionId": uuid.uuid4().hex},
        headers=ann.auth,
    )
    assert await deposit.json() == {"status": 200}
    moved = await http.post(
        "/transaction",
        json={"senderAcc": savings, "receiverAcc": spending, "amount": "25"},
        headers=ann.auth,
    )
    assert (await moved.json())["status"] == 200
    assert (await ann.balance(savings), await ann.balance(spending)) == (7_550, 2_500)
    refused = await http.post(
        "/transaction",
        json={"senderAcc": savings, "receiverAcc": spending, "amount": "1e2"},
        headers=ann.auth,
    )
    assert refused.status == 400
    assert [m.split(":")[0] for m in (await refused.json())["error"]] == ["amount"]


async def test_lists_are_oldest_first_and_empty_ones_left_out(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    assert await (await http.get("/wallet", headers=ann.auth)).json() == {"status": 200}
    savings, spending = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(savings, 10_000)
    for amount in ("1", "2", "3"):
        await http.post(
            "/transaction",
            json={"senderAcc": savings, "receiverAcc": spending, "amount": amount},
            headers=ann.auth,
        )
    wallet = (await (await http.get(f"/wallet/{savings}", headers=ann.auth)).json())["data"]
    assert [(e["action"], e["amount"]) for e in wallet["walletActivityLogs"]] == [
        ("credit", 100),
        ("debit", 1),
        ("debit", 2),
        ("debit", 3),
    ]
    history = (await (await http.get(f"/transaction/{spending}", headers=ann.auth)).json())["data"]
    assert [t["amount"] for t in history] == [1, 2, 3]
