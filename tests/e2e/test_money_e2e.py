"""Money through the real platform: concurrency, idempotency, authorization, invariants."""

import asyncio
import random
import uuid

import aiohttp

from tests.support.api import Customer, new_customer
from tests.support.ledger_invariants import violations
from tests.support.platform import Platform


async def test_fifty_parallel_transfers_of_ten_from_a_hundred(http: aiohttp.ClientSession) -> None:
    ann = await new_customer(http)
    source, target = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(source, 10_000)
    responses = await asyncio.gather(*(ann.transfer(source, target, 1_000) for _ in range(50)))
    statuses = sorted(r.status for r in responses)
    assert statuses == [201] * 10 + [409] * 40
    refusals = {(await r.json())["code"] for r in responses if r.status == 409}
    assert refusals == {"insufficient_funds"}
    assert await ann.balance(source) == 0
    assert await ann.balance(target) == 10_000


async def test_parallel_crossing_transfers_never_surface_an_error(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 100_000)
    await ann.deposit(b, 100_000)
    moves = [ann.transfer(a, b, 7) for _ in range(40)] + [ann.transfer(b, a, 3) for _ in range(40)]
    responses = await asyncio.gather(*moves)
    assert {r.status for r in responses} == {201}
    assert await ann.balance(a) == 100_000 - 40 * 7 + 40 * 3
    assert await ann.balance(b) == 100_000 + 40 * 7 - 40 * 3


async def test_transfer_of_exactly_the_balance_succeeds_and_a_failed_one_moves_nothing(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 500)
    assert (await ann.transfer(a, b, 500)).status == 201
    failed = await ann.transfer(a, b, 1)
    assert failed.status == 409
    assert (await ann.balance(a), await ann.balance(b)) == (0, 500)


async def test_randomized_concurrent_money_keeps_every_invariant(
    http: aiohttp.ClientSession, platform: Platform
) -> None:
    rng = random.Random(20261124)
    customers = [await new_customer(http) for _ in range(4)]
    wallets: list[tuple[Customer, str]] = [
        (c, await c.new_wallet()) for c in customers for _ in range(3)
    ]

    async def operation(n: int) -> None:
        owner, account = rng.choice(wallets)
        key = f"op-{n}"
        if rng.random() < 0.3:
            await owner.deposit(account, rng.randint(1, 5_000), key=key)
            return
        _, receiver = rng.choice([w for w in wallets if w[1] != account])
        amount = rng.randint(1, 3_000)
        first = await owner.transfer(account, receiver, amount, key=key)
        assert first.status in (201, 409), await first.text()
        if rng.random() < 0.3:
            replay = await owner.transfer(account, receiver, amount, key=key)
            assert replay.status == first.status
            assert await replay.json() == await first.json()

    await asyncio.gather(*(operation(n) for n in range(240)))
    assert await violations(platform.database_prefix) == []


async def test_replays_return_the_same_body_and_a_changed_body_is_409(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 1_000)
    key = uuid.uuid4().hex
    first = await ann.transfer(a, b, 100, key=key)
    again = await ann.transfer(a, b, 100, key=key)
    assert first.status == again.status == 201
    assert await first.json() == await again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = await ann.transfer(a, b, 101, key=key)
    assert changed.status == 409
    assert (await changed.json())["code"] == "idempotency_key_reused"
    assert await ann.balance(a) == 900


async def test_a_replayed_failure_stays_a_failure(http: aiohttp.ClientSession) -> None:
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    key = uuid.uuid4().hex
    first = await ann.transfer(a, b, 100, key=key)
    assert first.status == 409
    await ann.deposit(a, 1_000)
    replay = await ann.transfer(a, b, 100, key=key)
    assert replay.status == 409
    assert (await replay.json())["code"] == "insufficient_funds"
    assert await ann.balance(a) == 1_000


async def test_legacy_transfer_honours_the_idempotency_key(http: aiohttp.ClientSession) -> None:
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 1_000)
    body = {"senderAcc": a, "receiverAcc": b, "amount": 2.5}
    headers = {**ann.auth, "Idempotency-Key": uuid.uuid4().hex}
    first = await (await http.post("/transaction", json=body, headers=headers)).json()
    again = await (await http.post("/transaction", json=body, headers=headers)).json()
    assert first == again
    assert first["status"] == 200
    assert await ann.balance(a) == 750


async def test_legacy_deposit_reuse_answers_money_already_added(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    account = await ann.new_wallet()
    body = {"accNumber": account, "amount": 10, "transactionId": uuid.uuid4().hex}
    first = await http.post("/wallet/deposit", json=body, headers=ann.auth)
    assert await first.json() == {"status": 200}
    again = await http.post("/wallet/deposit", json=body, headers=ann.auth)
    assert await again.json() == {"status": 409, "error": ["Money already added to your account"]}
    assert await ann.balance(account) == 1_000


async def test_legacy_wallet_shows_major_units_and_latest_activity(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    created = await http.post("/wallet", json={"walletType": "saving"}, headers=ann.auth)
    assert (await created.json())["status"] == 200
    listed = await (await http.get("/wallet", headers=ann.auth)).json()
    account = listed["data"][0]["accNumber"]
    await http.post(
        "/wallet/deposit",
        json={"accNumber": account, "amount": 9900.5, "transactionId": uuid.uuid4().hex},
        headers=ann.auth,
    )
    wallet = (await (await http.get(f"/wallet/{account}", headers=ann.auth)).json())["data"]
    assert wallet["balance"] == 9900.5
    assert wallet["walletType"] == "saving"
    assert wallet["customerId"] == ann.id
    assert wallet["walletActivityLogs"][0]["action"] == "credit"
    assert wallet["walletActivityLogs"][0]["amount"] == 9900.5
    # The legacy history lists transfers only, as the old system did: a deposit is not one.
    history = await (await http.get(f"/transaction/{account}", headers=ann.auth)).json()
    assert history == {"status": 200}
    other = await ann.new_wallet()
    await http.post(
        "/transaction",
        json={"senderAcc": account, "receiverAcc": other, "amount": 0.5},
        headers=ann.auth,
    )
    history = await (await http.get(f"/transaction/{account}", headers=ann.auth)).json()
    assert [(t["senderAcc"], t["receiverAcc"], t["status"]) for t in history["data"]] == [
        (account, other, "completed")
    ]


async def test_another_customers_money_is_invisible_or_refused(
    http: aiohttp.ClientSession,
) -> None:
    ann, eve = await new_customer(http), await new_customer(http)
    ann_wallet, eve_wallet = await ann.new_wallet(), await eve.new_wallet()
    done = await ann.deposit(ann_wallet, 1_000)
    for path in (f"/v1/wallets/{ann_wallet}", f"/v1/wallets/{ann_wallet}/entries"):
        response = await http.get(path, headers=eve.auth)
        assert response.status == 404
        assert (await response.json())["code"] == "wallet_not_found"
    history = await http.get(f"/v1/wallets/{ann_wallet}/transactions", headers=eve.auth)
    assert history.status == 404
    transfer = await http.get(f"/v1/transfers/{done['id']}", headers=eve.auth)
    assert transfer.status == 404
    steal = await eve.transfer(ann_wallet, eve_wallet, 500)
    nowhere = await eve.transfer("2000000000000018", eve_wallet, 500)
    assert steal.status == nowhere.status == 404
    stolen_body, nowhere_body = await steal.json(), await nowhere.json()
    assert stolen_body["code"] == nowhere_body["code"] == "sender_wallet_not_found"
    assert stolen_body["detail"] == nowhere_body["detail"]
    legacy_wallet = await (await http.get(f"/wallet/{ann_wallet}", headers=eve.auth)).json()
    assert legacy_wallet == {"status": 404, "error": ["Wallet not found"]}
    legacy_history = await (await http.get(f"/transaction/{ann_wallet}", headers=eve.auth)).json()
    assert legacy_history == {"status": 404, "error": ["Wallet not found"]}
    legacy_steal = await http.post(
        "/transaction",
        json={"senderAcc": ann_wallet, "receiverAcc": eve_wallet, "amount": 5},
        headers=eve.auth,
    )
    # Someone else's wallet reads exactly as one that does not exist (no existence leak).
    assert await legacy_steal.json() == {"status": 404, "error": ["Sender Wallet not found"]}
    legacy_deposit = await http.post(
        "/wallet/deposit",
        json={"accNumber": ann_wallet, "amount": 5, "transactionId": uuid.uuid4().hex},
        headers=eve.auth,
    )
    assert await legacy_deposit.json() == {"status": 404, "error": ["Wallet not found"]}
    listed = await (await http.get("/v1/wallets", headers=eve.auth)).json()
    assert [w["account_number"] for w in listed["data"]] == [eve_wallet]
    assert await ann.balance(ann_wallet) == 1_000


async def test_unknown_receiver_is_reported_in_the_legacy_words(
    http: aiohttp.ClientSession,
) -> None:
    ann = await new_customer(http)
    account = await ann.new_wallet()
    await ann.deposit(account, 1_000)
    response = await http.post(
        "/transaction",
        json={"senderAcc": account, "receiverAcc": "2000000000000000", "amount": 1},
        headers=ann.auth,
    )
    assert await response.json() == {"status": 404, "error": ["Reciever Wallet not found"]}
    # The ledger refused it, and the refusal is on the sender's record like any other.
    history = await (await http.get(f"/transaction/{account}", headers=ann.auth)).json()
    assert [(t["receiverAcc"], t["status"]) for t in history["data"]][-1:] == [
        ("2000000000000000", "failed")
    ]
    assert await ann.balance(account) == 1_000
    missing_sender = await http.post(
        "/transaction",
        json={"senderAcc": "2000000000000000", "receiverAcc": account, "amount": 1},
        headers=ann.auth,
    )
    assert await missing_sender.json() == {"status": 404, "error": ["Sender Wallet not found"]}


async def test_a_retried_wallet_creation_opens_one_wallet(http: aiohttp.ClientSession) -> None:
    ann = await new_customer(http)
    headers = {**ann.auth, "Idempotency-Key": uuid.uuid4().hex}
    first = await http.post("/wallet", json={"walletType": "loan"}, headers=headers)
    again = await http.post("/wallet", json={"walletType": "loan"}, headers=headers)
    assert await first.json() == await again.json()
    v1_key = {**ann.auth, "Idempotency-Key": uuid.uuid4().hex}
    v1_first = await http.post("/v1/wallets", json={"type": "saving"}, headers=v1_key)
    v1_again = await http.post("/v1/wallets", json={"type": "saving"}, headers=v1_key)
    assert await v1_first.json() == await v1_again.json()
    listed = await (await http.get("/v1/wallets", headers=ann.auth)).json()
    assert len(listed["data"]) == 2
