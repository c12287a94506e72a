"""Crashes mid-saga: whichever service is SIGKILLed where, every transfer completes once."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from grpclib.exceptions import GRPCError, StreamTerminatedError

from tekana.transaction.v1 import transaction_pb2 as tx_pb
from tekana.wallet.v1 import wallet_pb2 as wallet_pb
from tekana_common.context import Caller, Role
from tekana_common.db import database_url
from tekana_common.grpc_client import open_channel
from tekana_common.settings import Transport
from tekana_gateway.upstream import Transactions, Wallets
from tests.support.database import drop_databases_like, server_url, unique_name
from tests.support.grpc import INTERNAL_TOKEN
from tests.support.ledger_invariants import violations
from tests.support.services import ServiceProcess, ledger_services

RECOVERY_TIMEOUT_SECONDS = 30
TRANSPORT = Transport(internal_token=INTERNAL_TOKEN)
USD = "USD"
OWNER = Caller(customer_id=1)
ADMIN = Caller(customer_id=2, roles=frozenset({Role.ADMIN}))


@dataclass
class Ledger:
    wallet: ServiceProcess
    transaction: ServiceProcess
    database_prefix: str

    def wallets(self) -> Wallets:
        return Wallets(open_channel(f"127.0.0.1:{self.wallet.port}", TRANSPORT), 10)

    def transactions(self) -> Transactions:
        return Transactions(open_channel(f"127.0.0.1:{self.transaction.port}", TRANSPORT), 10)

    async def fetch(self, service: str, query: str, *args: object) -> list[asyncpg.Record]:
        url = database_url(server_url(), f"{self.database_prefix}_{service}")
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()


@pytest.fixture
async def ledger(tmp_path: Path) -> AsyncIterator[Ledger]:
    prefix = unique_name("tekana_crash")
    wallet, transaction = ledger_services(tmp_path, prefix)
    wallet.migrate()
    transaction.migrate()
    await wallet.start()
    await transaction.start()
    yield Ledger(wallet, transaction, prefix)
    transaction.stop()
    wallet.stop()
    await drop_databases_like(prefix)


async def funded_pair(ledger: Ledger, amount: int) -> tuple[str, str]:
    wallets = ledger.wallets()
    a = await wallets.create(
        OWNER, type=wallet_pb.WALLET_TYPE_PERSONAL, currency=USD, idempotency_key=""
    )
    b = await wallets.create(
        OWNER, type=wallet_pb.WALLET_TYPE_SAVING, currency=USD, idempotency_key=""
    )
    await ledger.transactions().deposit(
        ADMIN,
        account_number=a.account_number,
        amount_minor=amount,
        currency=USD,
        idempotency_key="seed",
    )
    return a.account_number, b.account_number


async def transfer(
    ledger: Ledger, sender: str, receiver: str, amount: int
) -> tx_pb.TransactionResult:
    return await ledger.transactions().transfer(
        OWNER,
        sender=sender,
        receiver=receiver,
        amount_minor=amount,
        currency=USD,
        idempotency_key=f"move-{sender}-{receiver}-{amount}",
    )


async def wait_until_finished(ledger: Ledger) -> list[asyncpg.Record]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RECOVERY_TIMEOUT_SECONDS
    while loop.time() < deadline:
        rows = await ledger.fetch("transaction", 'SELECT id, status FROM "transaction"')
        if rows and all(r["status"] != "pending" for r in rows):
            return rows
        await asyncio.sleep(0.2)
    raise AssertionError("transactions still pending after recovery time")


async def balances(ledger: Ledger, *accounts: str) -> list[int]:
    rows = await ledger.fetch(
        "wallet",
        "SELECT account_number, balance FROM wallet WHERE account_number = ANY($1)",
        accounts,
    )
    by_account = {r["account_number"]: r["balance"] for r in rows}
    return [by_account[a] for a in accounts]


async def test_transaction_service_killed_after_storing_pending_completes_once(
    ledger: Ledger,
) -> None:
    a, b = await funded_pair(ledger, 1_000)
    ledger.transaction.stop()
    await ledger.transaction.start(TEKANA_FAULT_CRASH_POINT="after_pending")
    with pytest.raises((GRPCError, StreamTerminatedError, ConnectionError)):
        await transfer(ledger, a, b, 300)
    assert ledger.transaction.wait_killed() == -9
    stored = await ledger.fetch(
        "transaction", "SELECT status FROM \"transaction\" WHERE kind = 'transfer'"
    )
    assert [r["status"] for r in stored] == ["pending"]
    assert await balances(ledger, a, b) == [1_000, 0]

    await ledger.transaction.start()
    finished = await wait_until_finished(ledger)
    assert {r["status"] for r in finished} == {"completed"}
    assert await balances(ledger, a, b) == [700, 300]
    assert await violations(ledger.database_prefix) == []


@pytest.mark.parametrize("crash_point", ["apply_before_commit", "apply_after_commit"])
async def test_wallet_service_killed_mid_call_applies_exactly_once(
    ledger: Ledger, crash_point: str
) -> None:
    a, b = await funded_pair(ledger, 1_000)
    ledger.wallet.stop()
    await ledger.wallet.start(TEKANA_FAULT_CRASH_POINT=crash_point)
    result = await transfer(ledger, a, b, 250)
    assert result.transaction.status == tx_pb.STATUS_PENDING
    assert ledger.wallet.wait_killed() == -9

    await ledger.wallet.start()
    await wait_until_finished(ledger)
    entries = await ledger.fetch(
        "wallet",
        "SELECT direction FROM ledger_entry WHERE transfer_id = $1",
        result.transaction.id,
    )
    assert sorted(r["direction"] for r in entries) == ["credit", "debit"]
    assert await balances(ledger, a, b) == [750, 250]
    assert await violations(ledger.database_prefix) == []
    replay = await transfer(ledger, a, b, 250)
    assert replay.replayed
    assert replay.transaction.status == tx_pb.STATUS_COMPLETED
