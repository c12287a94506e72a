"""The cut-over's acceptance: a platform serving what ``import-legacy`` brought over from a
legacy-shaped fixture, driven through the gateway on both surfaces, as the old front-end
and partners would. ``./taskw cutover:rehearse`` runs this module against its own import
(TEKANA_REHEARSAL_* name it); alone, the module makes and imports a small fixture itself."""

import asyncio
import functools
import json
import os
import unicodedata
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from tekana_common.db import database_url
from tekana_devstack.legacy import fixture
from tekana_devstack.up import national_id_keys
from tests.support.database import drop_databases_like, server_url, unique_name
from tests.support.legacy import LegacyDatabases, make_legacy, run_import
from tests.support.platform import Platform, start_platform

CUSTOMERS = 600
decimal_json = functools.partial(json.loads, parse_float=Decimal)


@dataclass(frozen=True)
class Imported:
    platform: Platform
    legacy: LegacyDatabases
    prefix: str


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    rehearsal = os.environ.get("TEKANA_REHEARSAL_PREFIX")
    state_dir = Path(os.environ.get("TEKANA_REHEARSAL_STATE_DIR") or tmp_path_factory.mktemp("cut"))
    if rehearsal:
        legacy_prefix = os.environ["TEKANA_REHEARSAL_LEGACY_PREFIX"]
        legacy = LegacyDatabases(
            legacy_prefix, fixture.Databases.named(server_url(), legacy_prefix)
        )
        prefix = rehearsal
    else:
        legacy = asyncio.run(make_legacy(CUSTOMERS))
        prefix = unique_name("tekana_e2e_cut")
        # The platform's own keys seal the imported national ids.
        done = run_import(legacy, prefix, state_dir / "reports", env=national_id_keys(state_dir))
        assert done.returncode == 0, done.stdout + done.stderr
    platform = start_platform(state_dir, database_prefix=prefix)
    yield Imported(platform, legacy, prefix)
    assert platform.stop() == 0, platform.logs()
    if not rehearsal:
        asyncio.run(drop_databases_like(prefix))
        asyncio.run(drop_databases_like(legacy.prefix))


@pytest.fixture
async def http(imported: Imported) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=imported.platform.base_url) as session:
        yield session


async def legacy_rows(legacy: LegacyDatabases, database: str, sql: str, *args: Any) -> list[Any]:
    conn = await asyncpg.connect(getattr(legacy.urls, database))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def legacy_login(
    http: aiohttp.ClientSession, legacy: LegacyDatabases, cid: int
) -> dict[str, str]:
    (row,) = await legacy_rows(legacy, "customer", "SELECT email FROM customer WHERE id = $1", cid)
    answer = await http.put(
        "/customer/login", json={"email": row["email"], "password": fixture.password_of(cid)}
    )
    body = await answer.json()
    assert answer.status == 200, body
    assert "token" in body, body
    return {"Authorization": f"Bearer {body['token']}"}


async def v1_login(
    http: aiohttp.ClientSession, legacy: LegacyDatabases, cid: int
) -> dict[str, str]:
    (row,) = await legacy_rows(legacy, "customer", "SELECT email FROM customer WHERE id = $1", cid)
    email = unicodedata.normalize("NFKC", row["email"].strip()).casefold()
    answer = await http.post(
        "/v1/auth/token", json={"email": email, "password": fixture.password_of(cid)}
    )
    assert answer.status == 200, await answer.text()
    return {"Authorization": f"Bearer {(await answer.json())['access_token']}"}


def account(wallet_id: int) -> str:
    """The fixture's account number of wallet ``wallet_id`` (owned by (id + 1) // 2)."""
    return f"200-{(wallet_id + 1) // 2}-{1600000000000 + wallet_id * 1000 + wallet_id % 997}"


async def test_a_legacy_customer_logs_in_with_the_old_password_which_is_then_rehashed(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    cid = 11
    auth = await legacy_login(http, imported.legacy, cid)
    me = await (await http.get("/v1/customers/me", headers=auth)).json()
    assert me["id"] == cid
    conn = await asyncpg.connect(database_url(server_url(), f"{imported.prefix}_customer"))
    try:
        stored = await conn.fetchval("SELECT password_hash FROM customer WHERE id = $1", cid)
    finally:
        await conn.close()
    assert stored.startswith("$argon2id$")
    # And again, now on argon2id, on /v1 as well.
    await legacy_login(http, imported.legacy, cid)
    await v1_login(http, imported.legacy, cid)


async def test_wrong_or_empty_passwords_and_duplicates_answer_as_any_failed_login(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    legacy = imported.legacy
    (keeper,) = await legacy_rows(legacy, "customer", "SELECT email FROM customer WHERE id = 501")
    (empty,) = await legacy_rows(legacy, "customer", "SELECT email FROM customer WHERE id = 211")
    attempts = [
        (keeper["email"], "not the password"),
        # 502 has 501's e-mail in upper case: its own password does not log in as 501.
        (keeper["email"], fixture.password_of(502)),
        (empty["email"], "anything else"),
        ("nobody@example.com", "whatever it is"),
    ]
    answers = []
    for email, password in attempts:
        answer = await http.put("/customer/login", json={"email": email, "password": password})
        answers.append((answer.status, json.dumps(await answer.json(), sort_keys=True)))
    assert len(set(answers)) == 1, answers
    assert json.loads(answers[0][1])["status"] == 404


async def test_the_old_wallet_page_shows_the_old_balance_and_activity(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    legacy, wallet_id = imported.legacy, 21
    auth = await legacy_login(http, legacy, (wallet_id + 1) // 2)
    answer = await http.get(f"/wallet/{account(wallet_id)}", headers=auth)
    page = (await answer.json(loads=decimal_json))["data"]
    (old,) = await legacy_rows(
        legacy, "wallet", "SELECT balance FROM wallet WHERE id = $1", wallet_id
    )
    assert page["accNumber"] == account(wallet_id)
    assert Decimal(page["balance"]) == old["balance"]
    rows = await legacy_rows(
        legacy,
        "wallet",
        """SELECT "transactionId", action::text, amount FROM wallet_activity_log
           WHERE "walletId" = $1 AND action IS NOT NULL AND deleted_at IS NULL
           ORDER BY id DESC LIMIT 100""",
        wallet_id,
    )
    shown = [
        (a["transactionId"], a["action"], Decimal(a["amount"])) for a in page["walletActivityLogs"]
    ]
    assert shown == [(r["transactionId"], r["action"], r["amount"]) for r in reversed(rows)]
    assert all(a["imported"] is True for a in page["walletActivityLogs"])


async def test_the_old_history_lists_the_old_transactions_by_their_integer_ids(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    legacy, wallet_id = imported.legacy, 22
    auth = await legacy_login(http, legacy, (wallet_id + 1) // 2)
    body = await (await http.get(f"/transaction/{account(wallet_id)}", headers=auth)).json()
    rows = await legacy_rows(
        legacy,
        "transaction",
        """SELECT id FROM transaction WHERE ("senderAcc" = $1 OR "receiverAcc" = $1)
           AND deleted_at IS NULL ORDER BY id DESC LIMIT 100""",
        account(wallet_id),
    )
    assert [t["id"] for t in body["data"]] == [r["id"] for r in reversed(rows)]
    assert all(t["status"] in ("completed", "failed") for t in body["data"])
    assert all(t["imported"] is True for t in body["data"])


async def test_v1_shows_the_opening_then_the_imported_history(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    legacy, wallet_id = imported.legacy, 23
    auth = await v1_login(http, legacy, (wallet_id + 1) // 2)
    entries: list[dict[str, Any]] = []
    after = ""
    for _ in range(50):
        # Small pages: the cursor crosses from the ledger into the imported part.
        query = f"?limit=3&after={after}" if after else "?limit=3"
        page = await (
            await http.get(f"/v1/wallets/{account(wallet_id)}/entries{query}", headers=auth)
        ).json()
        entries += page["data"]
        if not page["has_more"]:
            break
        after = page["next_after"]
    opening, *older = entries
    assert (opening["imported"], opening["direction"]) == (False, "credit")
    (old,) = await legacy_rows(
        legacy, "wallet", "SELECT balance FROM wallet WHERE id = $1", wallet_id
    )
    assert opening["amount"]["amount_minor"] == int(old["balance"] * 100)
    assert opening["balance_after"]["amount_minor"] == int(old["balance"] * 100)
    count = await legacy_rows(
        legacy,
        "wallet",
        """SELECT count(*) FROM wallet_activity_log WHERE "walletId" = $1
           AND action IS NOT NULL AND deleted_at IS NULL""",
        wallet_id,
    )
    assert len(older) == count[0][0]
    assert all(e["imported"] for e in older)
    assert all(e["balance_after"] is None and e["transfer_id"] is None for e in older)
    listed = await (
        await http.get(f"/v1/wallets/{account(wallet_id)}/transactions", headers=auth)
    ).json()
    kinds = {t["kind"] for t in listed["data"]}
    assert "opening" in kinds
    assert all(t["legacy_id"] for t in listed["data"] if t["kind"] == "transfer")


async def test_imported_customers_move_money_on_both_surfaces_with_their_old_numbers(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    legacy = imported.legacy
    sender, receiver = account(31), account(33)
    auth = await legacy_login(http, legacy, 16)
    before = Decimal(
        (await (await http.get(f"/wallet/{sender}", headers=auth)).json(loads=decimal_json))[
            "data"
        ]["balance"]
    )
    sent = await (
        await http.post(
            "/transaction",
            json={"senderAcc": sender, "receiverAcc": receiver, "amount": "1.25"},
            headers=auth,
        )
    ).json()
    highest = (await legacy_rows(legacy, "transaction", "SELECT max(id) FROM transaction"))[0][0]
    assert sent["status"] == 200, sent
    assert isinstance(sent["id"], int)
    assert sent["id"] > highest
    page = (await (await http.get(f"/wallet/{sender}", headers=auth)).json(loads=decimal_json))[
        "data"
    ]
    assert Decimal(page["balance"]) == before - Decimal("1.25")
    assert page["walletActivityLogs"][-1] == {
        "transactionId": sent["id"],
        "action": "debit",
        "amount": Decimal("1.25"),
    }
    # On /v1, to a wallet of a customer who registered on Tekana.
    v1 = await v1_login(http, legacy, 16)
    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    await http.post(
        "/v1/customers",
        json={
            "email": email,
            "password": "long enough",
            "full_name": "New One",
            "national_id": "1199000000000077",
            "gender": "F",
        },
    )
    token = await (
        await http.post("/v1/auth/token", json={"email": email, "password": "long enough"})
    ).json()
    newcomer = {"Authorization": f"Bearer {token['access_token']}"}
    created = await (
        await http.post("/v1/wallets", json={"type": "personal"}, headers=newcomer)
    ).json()
    moved = await http.post(
        "/v1/transfers",
        json={
            "from_account": sender,
            "to_account": created["account_number"],
            "amount": {"amount_minor": 300, "currency": "USD"},
        },
        headers={**v1, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert moved.status == 201, await moved.text()
    me = await (await http.get("/v1/customers/me", headers=newcomer)).json()
    assert me["id"] > CUSTOMERS  # new customers' ids come after the imported ones
    # A legacy deposit's own integer id shows on the old wallet page.
    await http.post(
        "/wallet/deposit",
        json={"accNumber": receiver, "amount": 2, "transactionId": 987654321},
        headers=await legacy_login(http, legacy, 17),
    )
    page = (
        await (
            await http.get(f"/wallet/{receiver}", headers=await legacy_login(http, legacy, 17))
        ).json()
    )["data"]
    assert page["walletActivityLogs"][-1]["transactionId"] == 987654321


async def test_a_negative_wallet_opens_at_zero_and_frozen(
    http: aiohttp.ClientSession, imported: Imported
) -> None:
    frozen = account(7)  # -(7 % 50 + 1) - 0.5 in the fixture
    auth = await v1_login(http, imported.legacy, 4)
    shown = await (await http.get(f"/v1/wallets/{frozen}", headers=auth)).json()
    assert (shown["balance"]["amount_minor"], shown["status"]) == (0, "frozen")
    refused = await http.post(
        f"/v1/wallets/{frozen}/deposits",
        json={"amount": {"amount_minor": 100, "currency": "USD"}},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert (await refused.json())["code"] == "wallet_inactive"
