"""The transaction service's gRPC edge over an in-memory channel: outcomes and their codes."""

from collections.abc import AsyncIterator

import pytest
from grpclib.const import Status as GrpcStatus
from grpclib.exceptions import GRPCError

from tekana_common.grpc import error_code
from tekana_protos.tekana.common.v1 import Money, PageRequest
from tekana_protos.tekana.transaction import v1 as pb
from tests.support.transaction_rpc import A, B, two_wallet_stub


@pytest.fixture
async def stub() -> AsyncIterator[pb.TransactionServiceStub]:
    async with two_wallet_stub() as stub:
        yield stub


def transfer(amount: int, key: str = "k") -> pb.CreateTransferRequest:
    return pb.CreateTransferRequest(
        sender_account=A,
        receiver_account=B,
        amount=Money(amount_minor=amount, currency="USD"),
        idempotency_key=key,
    )


async def test_a_completed_transfer_and_its_replay(stub: pb.TransactionServiceStub) -> None:
    first = await stub.create_transfer(transfer(250))
    again = await stub.create_transfer(transfer(250))
    assert first.transaction is not None
    assert first.transaction.status == pb.Status.COMPLETED
    assert first.transaction.amount == Money(amount_minor=250, currency="USD")
    assert not first.replayed
    assert again.replayed
    assert again.transaction == first.transaction


async def test_refusals_carry_their_code(stub: pb.TransactionServiceStub) -> None:
    with pytest.raises(GRPCError) as funds:
        await stub.create_transfer(transfer(5_000))
    assert (funds.value.status, error_code(funds.value)) == (
        GrpcStatus.FAILED_PRECONDITION,
        "insufficient_funds",
    )
    with pytest.raises(GRPCError) as reused:
        await stub.create_transfer(transfer(6_000))
    assert (reused.value.status, error_code(reused.value)) == (
        GrpcStatus.ABORTED,
        "idempotency_key_reused",
    )


async def test_deposits_are_refused_to_customers_when_the_setting_is_off(
    stub: pb.TransactionServiceStub,
) -> None:
    with pytest.raises(GRPCError) as caught:
        await stub.create_deposit(
            pb.CreateDepositRequest(account_number=A, amount=Money(amount_minor=1, currency="USD"))
        )
    assert (caught.value.status, error_code(caught.value)) == (
        GrpcStatus.PERMISSION_DENIED,
        "deposits_not_allowed",
    )


async def test_history_is_listed_newest_first(stub: pb.TransactionServiceStub) -> None:
    for n in range(3):
        await stub.create_transfer(transfer(10 + n, key=f"k{n}"))
    page = await stub.list_transactions(
        pb.ListTransactionsRequest(account_number=A, page=PageRequest(limit=2))
    )
    assert [t.amount.amount_minor for t in page.transactions if t.amount] == [12, 11]
    assert page.page is not None
    assert page.page.has_more
