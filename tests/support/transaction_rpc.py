"""The transaction service's gRPC edge over an in-memory channel, in front of a fake ledger
with two wallets: A (customer 1, 1,000 minor units) and B (customer 2, empty), called as
customer 1."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tekana_common.context import Caller, caller_var
from tekana_protos.tekana.transaction import v1 as pb
from tekana_transaction.rpc import TransactionServicer
from tekana_transaction.service import Saga
from tests.support.fakes import FakeLedger, FakeTransactionRepository
from tests.support.grpc import in_memory_channel

A, B = "2000000000000018", "2000000000000026"


@asynccontextmanager
async def two_wallet_stub() -> AsyncIterator[pb.TransactionServiceStub]:
    ledger = FakeLedger()
    ledger.open(A, owner_id=1, balance=1_000)
    ledger.open(B, owner_id=2)
    servicer = TransactionServicer(
        saga=Saga(repo=FakeTransactionRepository(), ledger=ledger), allow_test_deposits=False
    )
    token = caller_var.set(Caller(customer_id=1))
    try:
        async with in_memory_channel([servicer]) as channel:
            yield pb.TransactionServiceStub(channel)
    finally:
        caller_var.reset(token)
