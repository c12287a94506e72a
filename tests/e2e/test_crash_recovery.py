"""Crashes mid-saga: whichever service is SIGKILLed where, every transfer completes once."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from grpclib.exceptions import GRPCError, StreamTerminatedError

from tekana_common.context import Caller, caller_var
from tekana_common.db import database_url
from tekana_common.grpc import open_channel
from tekana_common.transport import Transport
from tekana_protos.tekana.common.v1 import Money
from tekana_protos.tekana.transaction import v1 as tx_pb
from tekana_protos.tekana.wallet import v1 as wallet_pb
from tests.support.database import drop_databases_like, server_url, unique_name
from tests.support.grpc import INTERNAL_TOKEN
from tests.support.ledger_invariants import violations
from tests.support.services import ServiceProcess, ledger_services

RECOVERY_TIMEOUT_SECONDS = 30
TRANSPORT = Transport(internal_token=INTERNAL_TOKEN)
USD = "USD"


@dataclass
class Ledger:
    wallet: ServiceProcess
    transaction: ServiceProcess
    database_prefix: str

    def wallets(self) -> wallet_pb.WalletServiceStub:
        return wallet_pb.WalletServiceStub(open_channel(f"127.0.0.1:{self.wallet.port}", TRANSPORT))

    def transactions(self) -> tx_pb.TransactionServiceStub:
        channel = open_channel(f"127.0.0.1:{self.transaction.port}", TRANSPORT)
        return tx_pb.TransactionServiceStub(channel, timeout=10)

    async def fetch(self, service: str, query: str, *args: object) -> list[asyncpg.Record]:
        url = database_url(server_url(), f"{self.database_prefix}_{service}")
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()


@pytest.fixture
def caller() -> Iterator[None]:
    token = caller_var.set(Caller(customer_id=1))
    yield
    caller_var.reset(token)


@pytest.fixture
async def ledger(tmp_path: Path, caller: None) -> AsyncIterator[Ledger]:
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
    a = await wallets.create_wallet(
        wallet_pb.CreateWalletRequest(type=wallet_pb.WalletType.PERSONAL)
    )
    b = await wallets.create_wallet(wallet_pb.CreateWalletRequest(type=wallet_pb.WalletType.SAVING))
    await ledger.transactions().create_deposit(
        tx_pb.CreateDepositRequest(
            account_number=a.account_number,
            amount=Money(amount_minor=amount, currency=USD),
            idempotency_key="seed",
        )
    )
    return a.account_number, b.account_number


def transfer(sender: str, receiver: str, amount: int) -> tx_pb.CreateTransferRequest:
    return tx_pb.CreateTransferRequest(
        sender_account=sender,
        receiver_account=receiver,
        amount=Money(amount_minor=amount, currency=USD),
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
        await ledger.transactions().create_transfer(transfer(a, b, 300))
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
    result = await ledger.transactions().create_transfer(transfer(a, b, 250))
    assert result.transaction is not None
    assert result.transaction.status == tx_pb.Status.PENDING
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
    replay = await ledger.transactions().create_transfer(transfer(a, b, 250))
    assert replay.replayed
    assert replay.transaction is not None
    assert replay.transaction.status == tx_pb.Status.COMPLETED
