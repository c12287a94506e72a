"""A customer of the running platform, driven over HTTP through the gateway's /v1 API."""

import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp

PASSWORD = "long enough"
NATIONAL_ID = "1190000000000042"
# Every token the suite was issued, so the logs of the whole run can be searched for them.
ISSUED_TOKENS: list[str] = []


@dataclass
class Customer:
    http: aiohttp.ClientSession
    id: int
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def new_wallet(self, wallet_type: str = "personal", currency: str = "USD") -> str:
        response = await self.http.post(
            "/v1/wallets", json={"type": wallet_type, "currency": currency}, headers=self.auth
        )
        assert response.status == 201, await response.text()
        account: str = (await response.json())["account_number"]
        return account

    async def deposit(self, account: str, amount_minor: int, *, key: str | None = None) -> Any:
        response = await self.http.post(
            f"/v1/wallets/{account}/deposits",
            json={"amount": {"amount_minor": amount_minor, "currency": "USD"}},
            headers={**self.auth, "Idempotency-Key": key or uuid.uuid4().hex},
        )
        assert response.status == 201, await response.text()
        return await response.json()

    async def transfer(
        self, sender: str, receiver: str, amount_minor: int, *, key: str | None = None
    ) -> aiohttp.ClientResponse:
        headers = dict(self.auth)
        if key:
            headers["Idempotency-Key"] = key
        return await self.http.post(
            "/v1/transfers",
            json={
                "from_account": sender,
                "to_account": receiver,
                "amount": {"amount_minor": amount_minor, "currency": "USD"},
            },
            headers=headers,
        )

    async def balance(self, account: str) -> int:
        response = await self.http.get(f"/v1/wallets/{account}", headers=self.auth)
        assert response.status == 200, await response.text()
        amount: int = (await response.json())["balance"]["amount_minor"]
        return amount


async def new_customer(http: aiohttp.ClientSession) -> Customer:
    email = f"c-{uuid.uuid4().hex[:12]}@example.com"
    created = await http.post(
        "/v1/customers",
        json={
            "email": email,
            "password": PASSWORD,
            "full_name": "Test Customer",
            "national_id": NATIONAL_ID,
            "gender": "F",
        },
    )
    assert created.status == 201, await created.text()
    token = await http.post("/v1/auth/token", json={"email": email, "password": PASSWORD})
    body = await token.json()
    ISSUED_TOKENS.append(body["access_token"])
    return Customer(http=http, id=(await created.json())["id"], token=body["access_token"])
