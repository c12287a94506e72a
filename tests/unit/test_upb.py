"""Pages answered in upb classes: the same bytes as betterproto2's, whichever side decodes."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from grpclib.const import Status as GrpcStatus

from tekana.common.v1 import money_pb2
from tekana.transaction.v1 import transaction_pb2
from tekana.wallet.v1 import wallet_pb2
from tekana_common import upb
from tekana_common.context import Role
from tekana_customer.domain import Customer, Gender
from tekana_customer.rpc import customer_to_pb, customer_to_upb
from tekana_gateway.customers import legacy_customer, v1_customer
from tekana_protos.tekana.common.v1 import Money, PageRequest
from tekana_protos.tekana.transaction import v1 as pb
from tekana_protos.tekana.wallet import v1 as wallet_pb
from tekana_transaction.domain import Kind, Result, Status, Transaction
from tekana_transaction.rpc import add_transaction, result_to_upb, transaction_to_pb
from tekana_wallet.domain import Refusal, TransferOutcome, TransferStatus
from tekana_wallet.rpc import outcome_fields
from tests.support.transaction_rpc import A, B, two_wallet_stub


@pytest.fixture
async def stub() -> AsyncIterator[pb.TransactionServiceStub]:
    async with two_wallet_stub() as stub:
        for n in range(3):
            await stub.create_transfer(
                pb.CreateTransferRequest(
                    sender_account=A,
                    receiver_account=B,
                    amount=Money(amount_minor=10 + n, currency="USD"),
                    idempotency_key=f"k{n}",
                )
            )
        yield stub


STORED = Transaction(
    id="0b8f5e5e-5a4e-4c36-9d0e-3f5f1c2a9b7d",
    kind=Kind.TRANSFER,
    sender_account=A,
    receiver_account=B,
    amount=1_234,
    currency="USD",
    status=Status.FAILED,
    failure_code="insufficient_funds",
    initiator_id=7,
    sender_owner_id=1,
    receiver_owner_id=2,
    request_fingerprint="f",
    created_at=datetime(2026, 11, 25, 4, 30, 1, 250_000, tzinfo=UTC),
    completed_at=datetime(2026, 11, 25, 4, 30, 2, tzinfo=UTC),
)


def page_request() -> pb.ListTransactionsRequest:
    return pb.ListTransactionsRequest(account_number=A, page=PageRequest(limit=2))


async def test_a_page_decodes_alike_in_both_classes(stub: pb.TransactionServiceStub) -> None:
    fast = await upb.call(stub, upb.LIST_TRANSACTIONS, page_request())
    slow = await stub.list_transactions(page_request())
    assert isinstance(fast, transaction_pb2.ListTransactionsResponse)
    assert [t.amount.amount_minor for t in fast.transactions] == [12, 11]
    assert fast.SerializeToString() == bytes(slow)
    assert slow.page is not None
    assert fast.page.has_more
    assert fast.page.next_after == slow.page.next_after != ""


def test_one_transaction_is_the_same_bytes_in_both_classes() -> None:
    page = transaction_pb2.ListTransactionsResponse()
    add_transaction(page, STORED)
    assert page.transactions[0].SerializeToString() == bytes(transaction_to_pb(STORED))


def test_a_transfer_result_is_the_same_bytes_in_both_classes() -> None:
    stored = STORED._replace(status=Status.COMPLETED, failure_code=None)
    fast = result_to_upb(Result(stored, replayed=True))
    slow = pb.TransactionResult(transaction=transaction_to_pb(stored), replayed=True)
    assert fast.SerializeToString() == bytes(slow)


@pytest.mark.parametrize(
    ("status", "refusal", "expected"),
    [
        (TransferStatus.COMPLETED, None, wallet_pb.TransferStatus.COMPLETED),
        (TransferStatus.FAILED, Refusal.INSUFFICIENT_FUNDS, wallet_pb.TransferStatus.FAILED),
    ],
)
def test_a_ledger_outcome_is_the_same_bytes_in_both_classes(
    status: TransferStatus, refusal: Refusal | None, expected: wallet_pb.TransferStatus
) -> None:
    outcome = TransferOutcome(transfer_id=STORED.id, status=status, refusal=refusal)
    fast = wallet_pb2.TransferOutcome(**outcome_fields(outcome))
    slow = wallet_pb.TransferOutcome(
        transfer_id=STORED.id,
        status=expected,
        failure_code=refusal.value if refusal else "",
    )
    assert fast.SerializeToString() == bytes(slow)


async def test_a_transfer_in_upb_classes_answers_as_in_betterproto2() -> None:
    async with two_wallet_stub() as stub:
        fast = await upb.call(
            stub,
            upb.CREATE_TRANSFER,
            transaction_pb2.CreateTransferRequest(
                sender_account=A,
                receiver_account=B,
                amount=money_pb2.Money(amount_minor=250, currency="USD"),
                idempotency_key="same",
            ),
        )
        slow = await stub.create_transfer(
            pb.CreateTransferRequest(
                sender_account=A,
                receiver_account=B,
                amount=Money(amount_minor=250, currency="USD"),
                idempotency_key="same",
            )
        )
    assert isinstance(fast, transaction_pb2.TransactionResult)
    assert fast.transaction.status == transaction_pb2.STATUS_COMPLETED
    assert fast.transaction.amount.amount_minor == 250
    assert not fast.replayed
    assert slow.replayed  # the same key: betterproto2's request reached the same transfer
    assert slow.transaction is not None
    assert bytes(slow.transaction) == fast.transaction.SerializeToString()


def test_a_reply_class_must_be_what_the_rpc_returns() -> None:
    service = wallet_pb2.DESCRIPTOR.services_by_name["WalletService"]
    assert upb.upb_rpc(service, "ListEntries", wallet_pb2.ListEntriesResponse).route == (
        "/tekana.wallet.v1.WalletService/ListEntries"
    )
    with pytest.raises(TypeError, match=r"returns tekana\.wallet\.v1\.ListEntriesResponse, not"):
        upb.upb_rpc(service, "ListEntries", wallet_pb2.ListWalletsResponse)


def test_a_request_class_must_be_what_the_rpc_takes() -> None:
    service = wallet_pb2.DESCRIPTOR.services_by_name["WalletService"]
    with pytest.raises(TypeError, match=r"takes tekana\.wallet\.v1\.ApplyTransferRequest, not"):
        upb.upb_rpc(
            service,
            "ApplyTransfer",
            wallet_pb2.TransferOutcome,
            wallet_pb2.ApplyTransfersRequest,
        )


def test_a_customer_is_the_same_bytes_and_the_same_body_in_both_classes() -> None:
    customer = Customer(
        id=42,
        email="ann@example.com",
        full_name="Ann Example",
        national_id="1199880012345678",
        gender=Gender.FEMALE,
        roles=frozenset({Role.ADMIN, Role.CUSTOMER}),
        created_at=datetime(2026, 11, 25, 4, 30, 1, 250_000, tzinfo=UTC),
    )
    fast, slow = customer_to_upb(customer), customer_to_pb(customer)
    assert fast.SerializeToString() == bytes(slow)
    assert v1_customer(fast) == v1_customer(slow)
    assert v1_customer(fast)["roles"] == ["customer", "admin"]
    assert legacy_customer(fast) == legacy_customer(slow)
    assert legacy_customer(fast)["gender"] == "F"


async def test_recent_transactions_in_columns_are_the_page_in_rows(
    stub: pb.TransactionServiceStub,
) -> None:
    reply = await upb.call(
        stub,
        upb.GET_RECENT_TRANSACTIONS,
        transaction_pb2.GetRecentTransactionsRequest(
            queries=[
                {"account_number": A, "limit": 2, "customer_id": 1},
                {"account_number": A, "limit": 2, "customer_id": 2},
            ]
        ),
    )
    answer, refused = reply.answers
    assert (refused.status, refused.error.code) == (GrpcStatus.NOT_FOUND.value, "wallet_not_found")
    assert answer.status == 0
    recent = answer.recent
    page = await upb.call(stub, upb.LIST_TRANSACTIONS, page_request())
    rows = page.transactions
    assert list(recent.ids) == [t.id for t in rows]
    assert list(recent.amounts_minor) == [t.amount.amount_minor for t in rows] == [12, 11]
    assert list(recent.currencies) == [t.amount.currency for t in rows]
    assert list(recent.sender_accounts) == [t.sender_account for t in rows]
    assert list(recent.receiver_accounts) == [t.receiver_account for t in rows]
    assert list(recent.statuses) == [t.status for t in rows]
    assert list(recent.created_at_us) == [t.created_at_us for t in rows]
