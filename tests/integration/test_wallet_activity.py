"""A wallet's activity in columns, on the real PostgreSQL: the same entries, in the same order,
as the ledger's own pages, and the same visibility as reading the wallet."""

import pytest

from tekana_common.context import Caller, Role
from tekana_common.errors import InvalidArgument
from tekana_wallet import service
from tekana_wallet.domain import Direction, WalletNotFound
from tekana_wallet.repository import TortoiseWalletRepository

from .test_wallet_ledger import apply, funded

pytestmark = pytest.mark.usefixtures("wallet_database")

repo = TortoiseWalletRepository()
OWNER = Caller(customer_id=1)


async def test_activity_is_the_latest_entries_newest_first_as_the_ledger_pages_them() -> None:
    a, b = await funded(1_000), await funded(0)
    for amount in (100, 250, 5):
        await apply(a.account_number, b.account_number, amount)
    await apply(b.account_number, a.account_number, 30)

    wallet, activity = await service.wallet_activity(
        repo, caller=OWNER, account_number=a.account_number, limit=3
    )
    _, page = await service.list_entries(
        repo, caller=OWNER, account_number=a.account_number, limit=3, after=""
    )

    assert wallet.balance == 1_000 - 355 + 30
    assert activity.amounts == [30, 5, 250]
    assert activity.directions == [Direction.CREDIT, Direction.DEBIT, Direction.DEBIT]
    assert activity.transfer_ids == [e.transfer_id for e in page.items]
    assert activity.directions == [e.direction for e in page.items]
    assert activity.amounts == [e.amount for e in page.items]


async def test_a_wallet_without_entries_has_empty_columns() -> None:
    empty = await funded(0)
    wallet, activity = await service.wallet_activity(
        repo, caller=OWNER, account_number=empty.account_number, limit=100
    )
    assert wallet.account_number == empty.account_number
    assert activity == ([], [], [])


async def test_another_customers_wallet_and_a_malformed_number_are_not_found() -> None:
    theirs = await funded(10, owner=2)
    for account in (theirs.account_number, "not-a-number", "9" * 14):
        with pytest.raises(WalletNotFound):
            await service.wallet_activity(repo, caller=OWNER, account_number=account, limit=10)
    admin = Caller(customer_id=3, roles=frozenset({Role.ADMIN}))
    wallet, activity = await service.wallet_activity(
        repo, caller=admin, account_number=theirs.account_number, limit=10
    )
    assert (wallet.owner_id, activity.amounts) == (2, [10])


@pytest.mark.parametrize("limit", [0, 101])
async def test_a_limit_outside_one_to_a_hundred_is_refused(limit: int) -> None:
    wallet = await funded(0)
    with pytest.raises(InvalidArgument):
        await service.wallet_activity(
            repo, caller=OWNER, account_number=wallet.account_number, limit=limit
        )
