"""Domain values to protobuf messages and on to what each API surface shows."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from grpclib.const import Status as GrpcStatus

from tekana.customer.v1 import customer_pb2
from tekana.transaction.v1 import transaction_pb2
from tekana.wallet.v1 import wallet_pb2
from tekana_common.context import Caller, Role
from tekana_customer.domain import Customer, Gender
from tekana_customer.rpc import customer_fields
from tekana_gateway.presenters import legacy_customer, v1_customer, v1_transaction
from tekana_gateway.upstream import Page
from tekana_transaction.domain import Kind, Status, Transaction
from tekana_transaction.rpc import transaction_fields
from tests.support.transaction_rpc import ALICE, A, B, TwoWallets, two_wallets


@pytest.fixture
async def wallets() -> AsyncIterator[TwoWallets]:
    async with two_wallets() as wallets:
        for n in range(3):
            await wallets.transactions.transfer(
                ALICE,
                sender=A,
                receiver=B,
                amount_minor=10 + n,
                currency="USD",
                idempotency_key=f"k{n}",
            )
        yield wallets


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
    legacy_id=81,
)


def test_a_transaction_reads_back_as_stored() -> None:
    message = transaction_pb2.Transaction.FromString(
        transaction_pb2.Transaction(**transaction_fields(STORED)).SerializeToString()
    )
    assert v1_transaction(message) == {
        "id": STORED.id,
        "kind": "transfer",
        "from_account": A,
        "to_account": B,
        "amount": {"amount_minor": 1_234, "currency": "USD"},
        "status": "failed",
        "failure_code": "insufficient_funds",
        "initiator_id": 7,
        "created_at": "2026-11-25T04:30:01.250000+00:00",
        "completed_at": "2026-11-25T04:30:02+00:00",
        "legacy_id": 81,
        "imported": False,
    }


def test_a_customer_shows_its_roles_and_gender_on_both_surfaces() -> None:
    customer = Customer(
        id=42,
        email="ann@example.com",
        full_name="Ann Example",
        national_id="1199880012345678",
        gender=Gender.FEMALE,
        roles=frozenset({Role.ADMIN, Role.CUSTOMER}),
        created_at=datetime(2026, 11, 25, 4, 30, 1, 250_000, tzinfo=UTC),
    )
    message = customer_pb2.Customer.FromString(
        customer_pb2.Customer(**customer_fields(customer)).SerializeToString()
    )
    assert v1_customer(message)["roles"] == ["customer", "admin"]
    assert v1_customer(message)["created_at"] == "2026-11-25T04:30:01.250000+00:00"
    assert legacy_customer(message) == {
        "id": 42,
        "email": "ann@example.com",
        "fullName": "Ann Example",
        "nationalId": "1199880012345678",
        "gender": "F",
    }


async def test_recent_transactions_in_columns_are_the_page_in_rows(wallets: TwoWallets) -> None:
    reply = await wallets.stub.GetRecentTransactions(
        transaction_pb2.GetRecentTransactionsRequest(
            queries=[
                {"account_number": A, "limit": 2, "caller": {"customer_id": 1}},
                {"account_number": A, "limit": 2, "caller": {"customer_id": 2}},
            ]
        )
    )
    answer, refused = reply.answers
    assert (refused.status, refused.error.code) == (GrpcStatus.NOT_FOUND.value, "wallet_not_found")
    assert answer.status == 0
    recent = answer.recent
    page = await wallets.transactions.transactions(ALICE, A, Page(limit=2, after=""))
    rows = page.transactions
    assert list(recent.ids) == [t.id for t in rows]
    assert list(recent.amounts_minor) == [t.amount.amount_minor for t in rows] == [12, 11]
    assert list(recent.currencies) == [t.amount.currency for t in rows]
    assert list(recent.sender_accounts) == [t.sender_account for t in rows]
    assert list(recent.receiver_accounts) == [t.receiver_account for t in rows]
    assert list(recent.statuses) == [t.status for t in rows]
    assert list(recent.created_at_us) == [t.created_at_us for t in rows]


async def test_an_admin_reads_any_wallets_history(wallets: TwoWallets) -> None:
    admin = Caller(99, frozenset({Role.ADMIN}))
    recent = await wallets.transactions.recent(admin, A, limit=100)
    assert list(recent.amounts_minor) == [12, 11, 10]
    assert set(recent.statuses) == {transaction_pb2.STATUS_COMPLETED}


def test_a_page_is_built_in_place() -> None:
    # Entries added to a page are its own (upb copies a message built apart and handed in).
    reply = wallet_pb2.ListEntriesResponse(page={"has_more": True, "next_after": "7"})
    entry = reply.entries.add(direction=wallet_pb2.ENTRY_DIRECTION_DEBIT)
    entry.amount.amount_minor = 5
    assert reply.entries[0].amount.amount_minor == 5
    assert reply.page.next_after == "7"
