"""Benchmark seeding writes customers and funded wallets straight to the databases; the
platform serves them, and every ledger invariant still holds."""

import aiohttp

from tekana_devstack.seed import PASSWORD, cipher_for, seed
from tests.support.database import server_url
from tests.support.ledger_invariants import violations
from tests.support.platform import Platform


async def test_seeded_customers_log_in_and_see_funded_wallets(
    http: aiohttp.ClientSession, platform: Platform
) -> None:
    seeded = await seed(
        server_url(),
        platform.database_prefix,
        customers=50,
        balance=5_000,
        cipher=cipher_for(platform.state_dir),
    )
    assert len(seeded.emails) == 50
    assert len(seeded.accounts) == 100
    owner, account = seeded.accounts[0]
    email = seeded.emails[owner]
    token = await http.post("/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert token.status == 200, await token.text()
    auth = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    wallets = await (await http.get("/v1/wallets", headers=auth)).json()
    assert {w["account_number"] for w in wallets["data"]} == {
        a for o, a in seeded.accounts if o == owner
    }
    assert {w["balance"]["amount_minor"] for w in wallets["data"]} == {5_000}
    history = await (await http.get(f"/v1/wallets/{account}/transactions", headers=auth)).json()
    assert [t["kind"] for t in history["data"]] == ["deposit"]
    assert await violations(platform.database_prefix) == []
