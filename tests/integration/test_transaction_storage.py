"""The saga's writes, grouped: concurrent transactions stored and finished together in one
statement each, with idempotency keys and first outcomes kept exactly as one by one."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from tekana_transaction.domain import Kind, Status, Transaction
from tekana_transaction.repository import PostgresTransactionRepository
from tests.support.database import DATABASE

pytestmark = pytest.mark.usefixtures("transaction_database")


def _pending(initiator: int = 1, amount: int = 100) -> Transaction:
    return Transaction(
        id=str(uuid.uuid4()),
        kind=Kind.TRANSFER,
        sender_account="2000000000000018",
        receiver_account="2000000000000026",
        amount=amount,
        currency="USD",
        status=Status.PENDING,
        failure_code=None,
        initiator_id=initiator,
        sender_owner_id=initiator,
        receiver_owner_id=2,
        request_fingerprint=f"fp-{amount}",
        created_at=datetime.now(UTC),
        completed_at=None,
    )


async def test_concurrent_transactions_are_stored_and_finished_each_once() -> None:
    repo = PostgresTransactionRepository(DATABASE)
    wanted = [_pending(amount=n) for n in range(1, 31)]
    stored = await asyncio.gather(*(repo.add_pending(t, f"key-{uuid.uuid4()}") for t in wanted))
    assert [(s.id, s.amount, created) for s, created in stored] == [
        (t.id, t.amount, True) for t in wanted
    ]
    outcomes = await asyncio.gather(
        *(
            repo.finish(t.id, failure_code=None if t.amount % 3 else "insufficient_funds")
            for t in wanted
        )
    )
    assert [(o.id, o.status) for o in outcomes] == [
        (t.id, Status.COMPLETED if t.amount % 3 else Status.FAILED) for t in wanted
    ]
    # The first outcome stands: finishing again changes nothing.
    again = await repo.finish(wanted[0].id, failure_code="insufficient_funds")
    assert again.status == Status.COMPLETED


async def test_one_key_used_twice_at_once_stores_one_transaction() -> None:
    repo = PostgresTransactionRepository(DATABASE)
    key = f"key-{uuid.uuid4()}"
    first, twin = _pending(initiator=7), _pending(initiator=7)
    # The first insert leaves alone; the twins queue behind it and go out in one statement.
    _, *results = await asyncio.gather(
        repo.add_pending(_pending(initiator=7), f"key-{uuid.uuid4()}"),
        repo.add_pending(first, key),
        repo.add_pending(twin, key),
    )
    assert sorted(created for _, created in results) == [False, True]
    kept = next(t for t, created in results if created)
    assert all(t.id == kept.id for t, _ in results)
    # Another customer's identical key is theirs alone.
    other, created = await repo.add_pending(_pending(initiator=8), key)
    assert created
    assert other.id != kept.id


async def test_the_database_refuses_a_transaction_within_one_account() -> None:
    repo = PostgresTransactionRepository(DATABASE)
    looped = _pending()._replace(receiver_account="2000000000000018")
    with pytest.raises(Exception, match="transaction_two_accounts_ck"):
        await repo.add_pending(looped, f"key-{uuid.uuid4()}")


async def test_a_history_page_has_both_sides_newest_first_each_once() -> None:
    repo = PostgresTransactionRepository(DATABASE)
    account = "2000000000000034"
    sent = _pending(amount=1)._replace(sender_account=account)
    received = _pending(amount=2)._replace(receiver_account=account)
    other = _pending(amount=3)
    for transaction in (sent, received, other):
        await repo.add_pending(transaction, f"key-{uuid.uuid4()}")
    page = await repo.page_for_account(account, before_seq=2**62, limit=10)
    assert [t.id for _, t in page] == [received.id, sent.id]
    older = await repo.page_for_account(account, before_seq=page[0][0], limit=10)
    assert [t.id for _, t in older] == [sent.id]


async def test_recent_transactions_are_a_history_page_in_columns() -> None:
    repo = PostgresTransactionRepository(DATABASE)
    account, other_account = "2000000000000042", "2000000000000067"
    sent = _pending(amount=11)._replace(sender_account=account)
    received = _pending(amount=12)._replace(receiver_account=account)
    other = _pending(amount=13)._replace(sender_account=other_account)
    for transaction in (sent, received, other):
        await repo.add_pending(transaction, f"key-{uuid.uuid4()}")
    await repo.finish(received.id, failure_code="insufficient_funds")

    page = await repo.page_for_account(account, before_seq=2**62, limit=10)
    recent, others, latest, nothing = await repo.recent_for_accounts(
        [(account, 10), (other_account, 10), (account, 1), ("2000000000000059", 5)]
    )
    stored = [t for _, t in page]

    assert recent.ids == [t.id for t in stored] == [received.id, sent.id]
    assert recent.sender_accounts == [t.sender_account for t in stored]
    assert recent.receiver_accounts == [t.receiver_account for t in stored]
    assert recent.amounts == [12, 11]
    assert recent.currencies == ["USD", "USD"]
    assert recent.statuses == [Status.FAILED, Status.PENDING]
    # Exact to the microsecond, as PostgreSQL stored them.
    assert recent.created_at_us == [
        int(t.created_at.timestamp()) * 1_000_000 + t.created_at.microsecond for t in stored
    ]
    assert (others.ids, others.amounts) == ([other.id], [13])
    assert latest.ids == [received.id]
    assert nothing == ([], [], [], [], [], [], [], [], [])
