"""The ledger on the real PostgreSQL: its rules hold in the database, and a transfer id is
applied at most once whatever the concurrency."""

import asyncio
import uuid

import pytest
from tortoise import Tortoise

from tekana_common.context import Caller
from tekana_wallet import service
from tekana_wallet.domain import Refusal, TransferOutcome, TransferRequest, TransferStatus, Wallet
from tekana_wallet.repository import PostgresWalletRepository
from tests.support.database import DATABASE

pytestmark = pytest.mark.usefixtures("wallet_database")

repo = PostgresWalletRepository(DATABASE)


async def funded(amount: int, owner: int = 1) -> Wallet:
    wallet = await service.create_wallet(
        repo, caller=Caller(customer_id=owner), wallet_type="personal", currency="USD"
    )
    if amount:
        funding = await service.funding_account(repo, currency="USD")
        await apply(funding.account_number, wallet.account_number, amount)
    return wallet


async def apply(
    sender: str, receiver: str, amount: int, transfer_id: str | None = None
) -> TransferOutcome:
    request = TransferRequest(transfer_id or str(uuid.uuid4()), sender, receiver, amount, "USD")
    return (await service.apply_transfers(repo, [request]))[0]


async def sql(query: str, *values: object) -> list[dict[str, object]]:
    return await Tortoise.get_connection("default").execute_query_dict(query, list(values))


async def test_ledger_entries_cannot_be_changed_or_removed() -> None:
    wallet = await funded(100)
    for statement in (
        "UPDATE ledger_entry SET amount = 1 WHERE wallet_id = $1",
        "DELETE FROM ledger_entry WHERE wallet_id = $1",
    ):
        with pytest.raises(Exception, match="append-only"):
            await sql(statement, wallet.id)
    with pytest.raises(Exception, match="append-only"):
        await sql("TRUNCATE ledger_entry CASCADE")


async def test_the_database_refuses_a_negative_customer_balance() -> None:
    wallet = await funded(0)
    with pytest.raises(Exception, match="wallet_balance_non_negative_ck"):
        await sql("UPDATE wallet SET balance = -1 WHERE id = $1", wallet.id)


async def test_each_transfer_writes_one_debit_and_one_credit_with_balances_after() -> None:
    a, b = await funded(1_000), await funded(0)
    outcome = await apply(a.account_number, b.account_number, 400)
    rows = await sql(
        "SELECT w.account_number, e.direction, e.amount, e.balance_after FROM ledger_entry e"
        " JOIN wallet w ON w.id = e.wallet_id WHERE e.transfer_id = $1 ORDER BY e.direction",
        outcome.transfer_id,
    )
    assert [
        (r["account_number"], r["direction"], r["amount"], r["balance_after"]) for r in rows
    ] == [
        (b.account_number, "credit", 400, 400),
        (a.account_number, "debit", 400, 600),
    ]


async def test_a_replay_returns_the_first_outcome_even_a_refusal() -> None:
    a, b = await funded(100), await funded(0)
    transfer_id = str(uuid.uuid4())
    first = await apply(a.account_number, b.account_number, 500, transfer_id)
    assert (first.status, first.refusal) == (TransferStatus.FAILED, Refusal.INSUFFICIENT_FUNDS)
    funding = await service.funding_account(repo, currency="USD")
    await apply(funding.account_number, a.account_number, 1_000)
    again = await apply(a.account_number, b.account_number, 500, transfer_id)
    assert again == first
    assert (await repo.get(b.account_number)).balance == 0  # type: ignore[union-attr]


async def test_concurrent_replays_of_one_transfer_apply_it_once() -> None:
    a, b = await funded(1_000), await funded(0)
    transfer_id = str(uuid.uuid4())
    outcomes = await asyncio.gather(
        *(apply(a.account_number, b.account_number, 300, transfer_id) for _ in range(10))
    )
    assert {o.status for o in outcomes} == {TransferStatus.COMPLETED}
    entries = await sql(
        "SELECT count(*) AS n FROM ledger_entry WHERE transfer_id = $1", transfer_id
    )
    assert entries[0]["n"] == 2
    assert (await repo.get(a.account_number)).balance == 700  # type: ignore[union-attr]


async def test_parallel_transfers_never_overdraw() -> None:
    a, b = await funded(100), await funded(0)
    outcomes = await asyncio.gather(
        *(apply(a.account_number, b.account_number, 10) for _ in range(50))
    )
    assert sum(o.status == TransferStatus.COMPLETED for o in outcomes) == 10
    assert (await repo.get(a.account_number)).balance == 0  # type: ignore[union-attr]
    assert (await repo.get(b.account_number)).balance == 100  # type: ignore[union-attr]


async def test_there_is_one_funding_wallet_per_currency_however_many_ask() -> None:
    funding = await asyncio.gather(
        *(service.funding_account(repo, currency="EUR") for _ in range(8))
    )
    assert len({f.account_number for f in funding}) == 1
    rows = await sql("SELECT count(*) AS n FROM wallet WHERE type = 'funding' AND currency = 'EUR'")
    assert rows[0]["n"] == 1


async def test_the_funding_wallet_goes_negative_by_what_it_issued() -> None:
    funding = await service.funding_account(repo, currency="JPY")
    wallet = await service.create_wallet(
        repo, caller=Caller(customer_id=5), wallet_type="saving", currency="JPY"
    )
    await apply_in(funding.account_number, wallet.account_number, 700, "JPY")
    assert (await repo.get(funding.account_number)).balance == -700  # type: ignore[union-attr]


async def apply_in(sender: str, receiver: str, amount: int, currency: str) -> None:
    request = TransferRequest(str(uuid.uuid4()), sender, receiver, amount, currency)
    outcome = (await service.apply_transfers(repo, [request]))[0]
    assert outcome.status == TransferStatus.COMPLETED


async def test_a_retried_wallet_creation_returns_the_first_wallet() -> None:
    owner = Caller(customer_id=77)

    async def create(key: str) -> Wallet:
        return await service.create_wallet(
            repo, caller=owner, wallet_type="saving", currency="USD", idempotency_key=key
        )

    first, *retries = await asyncio.gather(*(create("same-key") for _ in range(5)))
    assert {w.account_number for w in retries} == {first.account_number}
    other = await create("other-key")
    assert other.account_number != first.account_number
    assert len(await repo.list_by_owner(77)) == 2
