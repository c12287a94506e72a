"""When the ledger refuses a transfer: the rules live in the database's apply_transfer
function; a refusal moves nothing and is recorded."""

import uuid

import pytest
from tortoise import Tortoise

from tekana_common.context import Caller
from tekana_common.money import BIGINT_MAX
from tekana_wallet import service
from tekana_wallet.domain import Refusal, TransferRequest, TransferStatus, Wallet
from tekana_wallet.repository import PostgresWalletRepository
from tests.support.database import DATABASE

pytestmark = pytest.mark.usefixtures("wallet_database")

repo = PostgresWalletRepository(DATABASE)


async def _sql(query: str, *values: object) -> None:
    await Tortoise.get_connection("default").execute_query(query, list(values))


async def _balance(wallet: Wallet) -> int:
    found = await repo.get(wallet.account_number)
    assert found is not None
    return found.balance


async def _wallet(balance: int) -> Wallet:
    wallet = await service.create_wallet(
        repo, caller=Caller(customer_id=9), wallet_type="personal", currency="USD"
    )
    if balance:
        funding = await service.funding_account(repo, currency="USD")
        request = TransferRequest(
            str(uuid.uuid4()), funding.account_number, wallet.account_number, balance, "USD"
        )
        (await service.apply_transfers(repo, [request]))[0]
    return wallet


async def test_exactly_the_balance_may_be_sent() -> None:
    sender, receiver = await _wallet(100), await _wallet(0)
    request = TransferRequest(
        str(uuid.uuid4()), sender.account_number, receiver.account_number, 100, "USD"
    )
    outcome = (await service.apply_transfers(repo, [request]))[0]
    assert outcome.status == TransferStatus.COMPLETED
    assert (await _balance(sender), await _balance(receiver)) == (0, 100)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("more_than_the_balance", Refusal.INSUFFICIENT_FUNDS),
        ("unknown_sender", Refusal.SENDER_NOT_FOUND),
        ("unknown_receiver", Refusal.RECEIVER_NOT_FOUND),
        ("other_currency_requested", Refusal.CURRENCY_MISMATCH),
        ("receiver_in_another_currency", Refusal.CURRENCY_MISMATCH),
        ("receiver_frozen", Refusal.WALLET_INACTIVE),
        ("to_itself", Refusal.SAME_WALLET),
        ("receiver_would_overflow", Refusal.BALANCE_LIMIT),
    ],
)
async def test_the_ledger_refuses_and_moves_nothing(case: str, expected: Refusal) -> None:
    sender, receiver = await _wallet(100), await _wallet(0)
    source, target, amount, currency = sender.account_number, receiver.account_number, 100, "USD"
    if case == "more_than_the_balance":
        amount = 101
    elif case == "unknown_sender":
        source = "2999999999999999"
    elif case == "unknown_receiver":
        target = "2999999999999999"
    elif case == "other_currency_requested":
        currency = "EUR"
    elif case == "receiver_in_another_currency":
        await _sql("UPDATE wallet SET currency = 'EUR' WHERE id = $1", receiver.id)
    elif case == "receiver_frozen":
        await _sql("UPDATE wallet SET status = 'frozen' WHERE id = $1", receiver.id)
    elif case == "to_itself":
        target = source
    elif case == "receiver_would_overflow":
        # Straight in SQL: no funding wallet could ever issue this much.
        await _sql("UPDATE wallet SET balance = $2 WHERE id = $1", receiver.id, BIGINT_MAX - 50)
    transfer_id = str(uuid.uuid4())
    request = TransferRequest(transfer_id, source, target, amount, currency)
    outcome = (await service.apply_transfers(repo, [request]))[0]
    assert (outcome.status, outcome.refusal) == (TransferStatus.FAILED, expected)
    assert await _balance(sender) == 100
    # Recorded: asking again answers the same refusal.
    again = (await service.apply_transfers(repo, [request]))[0]
    assert (again.status, again.refusal) == (TransferStatus.FAILED, expected)


async def test_the_funding_wallet_may_go_below_zero() -> None:
    funding = await service.funding_account(repo, currency="USD")
    receiver = await _wallet(0)
    before = await _balance(funding)
    request = TransferRequest(
        str(uuid.uuid4()), funding.account_number, receiver.account_number, 5_000, "USD"
    )
    outcome = (await service.apply_transfers(repo, [request]))[0]
    assert outcome.status == TransferStatus.COMPLETED
    assert await _balance(funding) == before - 5_000


async def test_a_batch_applies_each_transfer_in_order_and_answers_in_order() -> None:
    a, b, c = await _wallet(100), await _wallet(0), await _wallet(0)
    first = TransferRequest(str(uuid.uuid4()), a.account_number, b.account_number, 60, "USD")
    batch = [
        first,
        # Only 40 left after the first: refused.
        TransferRequest(str(uuid.uuid4()), a.account_number, c.account_number, 50, "USD"),
        TransferRequest(str(uuid.uuid4()), b.account_number, c.account_number, 60, "USD"),
        first,  # the same transfer twice: applied once, answered twice
    ]
    outcomes = await service.apply_transfers(repo, batch)
    assert [(o.transfer_id, o.status, o.refusal) for o in outcomes] == [
        (first.transfer_id, TransferStatus.COMPLETED, None),
        (batch[1].transfer_id, TransferStatus.FAILED, Refusal.INSUFFICIENT_FUNDS),
        (batch[2].transfer_id, TransferStatus.COMPLETED, None),
        (first.transfer_id, TransferStatus.COMPLETED, None),
    ]
    assert (await _balance(a), await _balance(b), await _balance(c)) == (40, 0, 60)
    # Replayed as a batch again: the recorded outcomes, nothing moves.
    again = await service.apply_transfers(repo, batch)
    assert again == outcomes
    assert (await _balance(a), await _balance(b), await _balance(c)) == (40, 0, 60)
