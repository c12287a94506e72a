"""The transaction service's gRPC edge over an in-memory channel: outcomes and their codes."""

from collections.abc import AsyncIterator

import pytest
from grpclib.const import Status as GrpcStatus
from grpclib.exceptions import GRPCError

from tekana.transaction.v1 import transaction_pb2
from tekana_common import upb
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


async def test_grouped_movements_are_each_carried_out_as_their_own_caller(
    stub: pb.TransactionServiceStub,
) -> None:
    def by(customer_id: int, **what: object) -> dict[str, object]:
        return {"customer_id": customer_id, "request_id": f"r-{customer_id}", **what}

    transfer_request = {
        "sender_account": A,
        "receiver_account": B,
        "amount": {"amount_minor": 40, "currency": "USD"},
        "idempotency_key": "m1",
    }
    reply = await upb.call(
        stub,
        upb.CREATE_MOVEMENTS,
        transaction_pb2.CreateMovementsRequest(
            movements=[
                by(1, transfer=transfer_request),
                by(2, transfer={**transfer_request, "idempotency_key": "m2"}),  # not Bob's
                by(
                    1,
                    deposit={"account_number": A, "amount": {"amount_minor": 5, "currency": "USD"}},
                ),
                by(1),  # neither a transfer nor a deposit
                by(1, transfer=transfer_request),  # the first one's replay
            ]
        ),
    )
    done, not_owned, no_deposits, empty, replay = reply.answers
    assert done.status == 0
    assert done.result.transaction.status == transaction_pb2.STATUS_COMPLETED
    assert done.result.transaction.amount.amount_minor == 40
    assert (not_owned.status, not_owned.error.code) == (
        GrpcStatus.NOT_FOUND.value,
        "sender_wallet_not_found",
    )
    assert (no_deposits.status, no_deposits.error.code) == (
        GrpcStatus.PERMISSION_DENIED.value,
        "deposits_not_allowed",
    )
    assert empty.status == GrpcStatus.INVALID_ARGUMENT.value
    assert [v.field for v in empty.error.field_violations] == ["request"]
    assert replay.status == 0
    assert replay.result.replayed or done.result.replayed
    assert replay.result.transaction.id == done.result.transaction.id


async def test_more_movements_than_a_call_may_carry_are_refused(
    stub: pb.TransactionServiceStub,
) -> None:
    movement = transaction_pb2.Movement(customer_id=1)
    with pytest.raises(GRPCError) as caught:
        await upb.call(
            stub,
            upb.CREATE_MOVEMENTS,
            transaction_pb2.CreateMovementsRequest(movements=[movement] * 257),
        )
    assert caught.value.status == GrpcStatus.INVALID_ARGUMENT
