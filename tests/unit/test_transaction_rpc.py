"""The transaction service's gRPC edge over an in-memory channel: outcomes and their codes,
through the gateway's client of it (one call per use-case) and through the RPCs."""

from collections.abc import AsyncIterator

import pytest
from grpclib.const import Status as GrpcStatus
from grpclib.exceptions import GRPCError

from tekana.transaction.v1 import transaction_pb2 as pb
from tekana_common.context import Caller
from tekana_common.grpc_errors import error_code
from tekana_gateway.upstream import Page
from tests.support.transaction_rpc import ALICE, A, B, TwoWallets, two_wallets


@pytest.fixture
async def wallets() -> AsyncIterator[TwoWallets]:
    async with two_wallets() as wallets:
        yield wallets


async def transfer(
    wallets: TwoWallets, amount: int, key: str = "k", caller: Caller = ALICE
) -> pb.TransactionResult:
    return await wallets.transactions.transfer(
        caller, sender=A, receiver=B, amount_minor=amount, currency="USD", idempotency_key=key
    )


async def test_a_completed_transfer_and_its_replay(wallets: TwoWallets) -> None:
    first = await transfer(wallets, 250)
    again = await transfer(wallets, 250)
    assert first.transaction.status == pb.STATUS_COMPLETED
    assert (first.transaction.amount.amount_minor, first.transaction.amount.currency) == (
        250,
        "USD",
    )
    assert first.transaction.initiator_id == ALICE.customer_id
    assert not first.replayed
    assert again.replayed
    assert again.transaction == first.transaction


async def test_refusals_carry_their_code(wallets: TwoWallets) -> None:
    with pytest.raises(GRPCError) as funds:
        await transfer(wallets, 5_000)
    assert (funds.value.status, error_code(funds.value)) == (
        GrpcStatus.FAILED_PRECONDITION,
        "insufficient_funds",
    )
    with pytest.raises(GRPCError) as reused:
        await transfer(wallets, 6_000)
    assert (reused.value.status, error_code(reused.value)) == (
        GrpcStatus.ABORTED,
        "idempotency_key_reused",
    )


async def test_deposits_are_refused_to_customers_when_the_setting_is_off(
    wallets: TwoWallets,
) -> None:
    with pytest.raises(GRPCError) as caught:
        await wallets.transactions.deposit(
            ALICE, account_number=A, amount_minor=1, currency="USD", idempotency_key=""
        )
    assert (caught.value.status, error_code(caught.value)) == (
        GrpcStatus.PERMISSION_DENIED,
        "deposits_not_allowed",
    )


async def test_history_is_listed_newest_first(wallets: TwoWallets) -> None:
    for n in range(3):
        await transfer(wallets, 10 + n, key=f"k{n}")
    page = await wallets.transactions.transactions(ALICE, A, Page(limit=2, after=""))
    assert [t.amount.amount_minor for t in page.transactions] == [12, 11]
    assert page.page.has_more
    recent = await wallets.transactions.recent(ALICE, A, limit=100)
    assert list(recent.amounts_minor) == [12, 11, 10]


async def test_a_request_without_a_caller_is_unauthenticated(wallets: TwoWallets) -> None:
    with pytest.raises(GRPCError) as caught:
        await wallets.stub.ListTransactions(pb.ListTransactionsRequest(account_number=A))
    assert (caught.value.status, error_code(caught.value)) == (
        GrpcStatus.UNAUTHENTICATED,
        "missing_caller",
    )


async def test_grouped_movements_are_each_carried_out_as_their_own_caller(
    wallets: TwoWallets,
) -> None:
    def by(customer_id: int, **what: object) -> dict[str, object]:
        return {"caller": {"customer_id": customer_id}, "request_id": f"r-{customer_id}", **what}

    transfer_request = {
        "sender_account": A,
        "receiver_account": B,
        "amount": {"amount_minor": 40, "currency": "USD"},
        "idempotency_key": "m1",
    }
    reply = await wallets.stub.CreateMovements(
        pb.CreateMovementsRequest(
            movements=[
                by(1, transfer=transfer_request),
                by(2, transfer={**transfer_request, "idempotency_key": "m2"}),  # not Bob's
                by(
                    1,
                    deposit={"account_number": A, "amount": {"amount_minor": 5, "currency": "USD"}},
                ),
                by(1),  # neither a transfer nor a deposit
                by(1, transfer=transfer_request),  # the first one's replay
                {"transfer": transfer_request},  # no caller
            ]
        )
    )
    done, not_owned, no_deposits, empty, replay, anonymous = reply.answers
    assert done.status == 0
    assert done.result.transaction.status == pb.STATUS_COMPLETED
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
    assert (anonymous.status, anonymous.error.code) == (
        GrpcStatus.UNAUTHENTICATED.value,
        "missing_caller",
    )


async def test_more_movements_than_a_call_may_carry_are_refused(wallets: TwoWallets) -> None:
    movement = pb.Movement(caller={"customer_id": 1})
    with pytest.raises(GRPCError) as caught:
        await wallets.stub.CreateMovements(pb.CreateMovementsRequest(movements=[movement] * 257))
    assert caught.value.status == GrpcStatus.INVALID_ARGUMENT
