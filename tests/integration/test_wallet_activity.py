"""Wallets' activity in columns, many readers in one read, on the real PostgreSQL: the same
entries in the same order as the ledger's own pages, and each reader sees only what reading
the wallet alone would show them."""

import pytest

from tekana_common.context import Caller, Role
from tekana_common.errors import InvalidArgument
from tekana_wallet import service
from tekana_wallet.domain import Activity, ActivityQuery, Direction, Wallet, WalletNotFound
from tekana_wallet.repository import PostgresWalletRepository
from tests.support.database import DATABASE

from .test_wallet_ledger import apply, funded

pytestmark = pytest.mark.usefixtures("wallet_database")

repo = PostgresWalletRepository(DATABASE)
ANN, BOB = Caller(customer_id=1), Caller(customer_id=2)
ADMIN = Caller(customer_id=3, roles=frozenset({Role.ADMIN}))


async def one(account: str, reader: Caller = ANN, limit: int = 100) -> tuple[Wallet, Activity]:
    (result,) = await service.wallet_activities(repo, [ActivityQuery(account, limit, reader)])
    if isinstance(result, Exception):
        raise result
    return result


async def test_activity_is_the_latest_entries_newest_first_as_the_ledger_pages_them() -> None:
    a, b = await funded(1_000), await funded(0)
    for amount in (100, 250, 5):
        await apply(a.account_number, b.account_number, amount)
    await apply(b.account_number, a.account_number, 30)

    wallet, activity = await one(a.account_number, limit=3)
    _, page = await service.list_entries(
        repo, caller=ANN, account_number=a.account_number, limit=3, after=""
    )

    assert wallet.balance == 1_000 - 355 + 30
    assert activity.amounts == [30, 5, 250]
    assert activity.directions == [Direction.CREDIT, Direction.DEBIT, Direction.DEBIT]
    assert activity.transfer_ids == [e.transfer_id for e in page.items]
    assert activity.directions == [e.direction for e in page.items]
    assert activity.amounts == [e.amount for e in page.items]


async def test_a_wallet_without_entries_has_empty_columns() -> None:
    empty = await funded(0)
    wallet, activity = await one(empty.account_number)
    assert wallet.account_number == empty.account_number
    assert activity == ([], [], [], [], [])


async def test_each_reader_in_one_read_sees_only_what_they_may() -> None:
    anns, bobs = await funded(10, owner=1), await funded(20, owner=2)
    queries = [
        ActivityQuery(anns.account_number, 100, ANN),
        ActivityQuery(anns.account_number, 100, BOB),  # not Bob's
        ActivityQuery(bobs.account_number, 100, BOB),
        ActivityQuery(bobs.account_number, 100, ADMIN),
        ActivityQuery("not-a-number", 100, ANN),
        ActivityQuery("9" * 14, 100, ANN),  # well formed, no such wallet
        ActivityQuery(anns.account_number, 101, ANN),  # limit out of range, alone refused
        ActivityQuery(anns.account_number, 1, ANN),
    ]
    results = await service.wallet_activities(repo, queries)

    shown = [
        (r[0].account_number, r[1].amounts) if isinstance(r, tuple) else type(r) for r in results
    ]
    assert shown == [
        (anns.account_number, [10]),
        WalletNotFound,
        (bobs.account_number, [20]),
        (bobs.account_number, [20]),
        WalletNotFound,
        WalletNotFound,
        InvalidArgument,
        (anns.account_number, [10]),
    ]


async def test_more_queries_than_a_call_may_carry_are_refused() -> None:
    wallet = await funded(0)
    queries = [ActivityQuery(wallet.account_number, 1, ANN)] * (service.BATCH_MAX + 1)
    with pytest.raises(InvalidArgument):
        await service.wallet_activities(repo, queries)
