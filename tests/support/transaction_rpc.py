"""The transaction service's gRPC edge over an in-memory channel, in front of a fake ledger
with two wallets: A (customer 1, 1,000 minor units) and B (customer 2, empty), called
through the gateway's own client of it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tekana.transaction.v1.transaction_grpc import TransactionServiceStub
from tekana_common.context import Caller
from tekana_gateway.upstream import Transactions
from tekana_transaction.rpc import TransactionServicer
from tekana_transaction.saga import Saga
from tests.support.fakes import FakeLedger, FakeTransactionRepository
from tests.support.grpc import in_memory_channel

A, B = "2000000000000018", "2000000000000026"
ALICE = Caller(customer_id=1)


@dataclass
class TwoWallets:
    transactions: Transactions  # the gateway's client: one call per use-case
    stub: TransactionServiceStub  # the RPCs themselves


@asynccontextmanager
async def two_wallets() -> AsyncIterator[TwoWallets]:
    ledger = FakeLedger()
    ledger.open(A, owner_id=1, balance=1_000)
    ledger.open(B, owner_id=2)
    servicer = TransactionServicer(
        saga=Saga(repo=FakeTransactionRepository(), ledger=ledger), allow_test_deposits=False
    )
    async with in_memory_channel([servicer]) as channel:
        yield TwoWallets(Transactions(channel, None), TransactionServiceStub(channel))
