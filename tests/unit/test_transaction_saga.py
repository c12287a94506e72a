"""The transaction service's use-cases and saga over an in-memory ledger and repository."""

from datetime import timedelta
from typing import Any, cast

import pytest

from tekana_common.context import Caller, Role
from tekana_common.errors import InvalidArgument, Unavailable
from tekana_transaction import service
from tekana_transaction.domain import (
    AmountCeilings,
    CurrencyMismatch,
    DepositsNotAllowed,
    HistoryQuery,
    IdempotencyKeyReused,
    InsufficientFunds,
    ReceiverWalletNotFound,
    RecentTransactions,
    Result,
    SameWallet,
    SenderWalletNotFound,
    Status,
    Transaction,
    TransactionNotFound,
    WalletNotFound,
)
from tekana_transaction.ports import TransactionRepository
from tekana_transaction.saga import Saga
from tests.support.fakes import FakeLedger, FakeTransactionRepository

ANN, BOB = Caller(customer_id=1), Caller(customer_id=2)
ADMIN = Caller(customer_id=9, roles=frozenset({Role.CUSTOMER, Role.ADMIN}))
A, B, C = "2000000000000018", "2000000000000026", "2000000000000034"
D = "2000000000000042"  # Ann's, in euros


@pytest.fixture
def ledger() -> FakeLedger:
    fake = FakeLedger()
    fake.open(A, owner_id=1, balance=1_000)
    fake.open(B, owner_id=1)
    fake.open(C, owner_id=2, balance=1_000)
    fake.open(D, owner_id=1, currency="EUR")
    return fake


@pytest.fixture
def saga(ledger: FakeLedger) -> Saga:
    return Saga(repo=FakeTransactionRepository(), ledger=ledger)


async def move(
    saga: Saga, caller: Caller = ANN, sender: str = A, receiver: str = B, **kw: object
) -> Result:
    args: dict[str, object] = {"amount": 100, "currency": "USD", "idempotency_key": "", **kw}
    return await service.create_transfer(
        saga,
        caller=caller,
        sender_account=sender,
        receiver_account=receiver,
        **args,  # type: ignore[arg-type]
    )


async def test_a_transfer_is_stored_applied_and_completed(saga: Saga, ledger: FakeLedger) -> None:
    result = await move(saga)
    assert result.transaction.status == Status.COMPLETED
    assert not result.replayed
    assert ledger.balances[A] == 900
    assert ledger.balances[B] == 100
    assert ledger.applied == [result.transaction.id]


async def test_a_refused_transfer_is_recorded_failed_and_raised(
    saga: Saga, ledger: FakeLedger
) -> None:
    with pytest.raises(InsufficientFunds):
        await move(saga, amount=5_000)
    stored = await saga.repo.page_for_account(A, before_seq=10**9, limit=10)
    assert [(t.status, t.failure_code) for _, t in stored] == [
        (Status.FAILED, "insufficient_funds")
    ]
    assert ledger.balances[A] == 1_000


@pytest.mark.parametrize("stranger", [BOB, ADMIN])
async def test_only_the_owner_moves_money_out(saga: Saga, stranger: Caller) -> None:
    # Someone else's wallet answers exactly as a wallet that does not exist.
    with pytest.raises(SenderWalletNotFound):
        await move(saga, caller=stranger)
    assert (await move(saga, caller=ANN)).transaction.status == Status.COMPLETED


async def test_a_sender_wallet_that_does_not_exist_is_refused_before_anything_is_stored(
    saga: Saga,
) -> None:
    with pytest.raises(SenderWalletNotFound):
        await move(saga, sender="2000000000000999")
    assert await saga.repo.page_for_account("2000000000000999", before_seq=10**9, limit=10) == []


@pytest.mark.parametrize(
    ("receiver", "error", "code"),
    [
        ("2000000000000999", ReceiverWalletNotFound, "receiver_wallet_not_found"),
        (A, SameWallet, "same_wallet"),
        (D, CurrencyMismatch, "currency_mismatch"),
    ],
)
async def test_the_ledgers_rules_refuse_and_the_refusal_is_recorded(
    saga: Saga, ledger: FakeLedger, receiver: str, error: type[Exception], code: str
) -> None:
    # The service checks only whose the sender is; the rest are the ledger's rules, and its
    # refusal is kept like any other, so a retry with the key answers the same.
    with pytest.raises(error):
        await move(saga, receiver=receiver, idempotency_key="k")
    with pytest.raises(error):
        await move(saga, receiver=receiver, idempotency_key="k")
    stored = await saga.repo.page_for_account(A, before_seq=10**9, limit=10)
    assert [(t.status, t.failure_code) for _, t in stored] == [(Status.FAILED, code)]
    assert ledger.balances[A] == 1_000
    assert ledger.applied == []


@pytest.mark.parametrize(
    ("amount", "currency"), [(0, "USD"), (-1, "USD"), (100, "XXX"), (2**63, "USD")]
)
async def test_amounts_are_checked(saga: Saga, amount: int, currency: str) -> None:
    with pytest.raises(InvalidArgument):
        await move(saga, amount=amount, currency=currency)


async def test_with_the_ledger_down_it_stays_pending_and_recovery_finishes_it_once(
    saga: Saga, ledger: FakeLedger
) -> None:
    ledger.available = False
    with pytest.raises(Unavailable):
        await move(saga)
    ledger.available = True
    accounts_known = await move(saga, idempotency_key="k")
    assert accounts_known.transaction.status == Status.COMPLETED
    down_once_stored = cast(TransactionRepository, _LedgerDownOnceStored(saga.repo, ledger))
    pending_case = Saga(repo=down_once_stored, ledger=ledger)
    result = await move(pending_case, idempotency_key="k2")
    assert result.transaction.status == Status.PENDING
    ledger.available = True
    assert await service.recover_pending(saga, older_than=timedelta(0)) == 1
    assert await service.recover_pending(saga, older_than=timedelta(0)) == 0
    finished = await saga.repo.get(result.transaction.id)
    assert finished is not None
    assert finished.status == Status.COMPLETED
    assert ledger.applied.count(result.transaction.id) == 1


class _LedgerDownOnceStored:
    """Storage after which the ledger goes down: the transaction is stored pending, and the
    ledger cannot be asked."""

    def __init__(self, repo: TransactionRepository, ledger: FakeLedger) -> None:
        self._repo = repo
        self._ledger = ledger

    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        stored = await self._repo.add_pending(transaction, idempotency_key)
        self._ledger.available = False
        return stored

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)


async def test_a_replay_answers_the_first_result_without_moving_money_again(
    saga: Saga, ledger: FakeLedger
) -> None:
    first = await move(saga, idempotency_key="same")
    again = await move(saga, idempotency_key="same")
    assert again.replayed
    assert again.transaction == first.transaction
    assert ledger.balances[A] == 900


async def test_a_reused_key_with_another_request_is_refused(saga: Saga) -> None:
    await move(saga, idempotency_key="same")
    with pytest.raises(IdempotencyKeyReused):
        await move(saga, idempotency_key="same", amount=101)


async def test_keys_are_per_customer(saga: Saga, ledger: FakeLedger) -> None:
    await move(saga, idempotency_key="same")
    theirs = await move(
        saga, caller=BOB, sender=C, receiver=A, idempotency_key="same", amount=0 + 1
    )
    assert not theirs.replayed or theirs.transaction.sender_account == C


async def test_deposits_need_admin_or_the_test_setting(saga: Saga, ledger: FakeLedger) -> None:
    async def deposit(caller: Caller, account: str, allowed: bool) -> Result:
        return await service.create_deposit(
            saga,
            caller=caller,
            account_number=account,
            amount=500,
            currency="USD",
            idempotency_key="",
            allow_test_deposits=allowed,
        )

    with pytest.raises(DepositsNotAllowed):
        await deposit(ANN, B, allowed=False)
    with pytest.raises(WalletNotFound):
        await deposit(BOB, B, allowed=True)
    own = await deposit(ANN, B, allowed=True)
    assert own.transaction.sender_account == FakeLedger.FUNDING
    assert (await deposit(ADMIN, C, allowed=False)).transaction.status == Status.COMPLETED
    assert ledger.balances[B] == 500
    assert ledger.balances[FakeLedger.FUNDING] == -1_000


async def test_a_transaction_is_visible_to_the_parties_and_admins(saga: Saga) -> None:
    done = await move(saga, receiver=C)
    for caller in (ANN, BOB, ADMIN):
        found = await service.get_transaction(
            saga.repo, caller=caller, transaction_id=done.transaction.id
        )
        assert found.id == done.transaction.id
    with pytest.raises(TransactionNotFound):
        await service.get_transaction(
            saga.repo, caller=Caller(3), transaction_id=done.transaction.id
        )
    with pytest.raises(TransactionNotFound):
        await service.get_transaction(saga.repo, caller=ADMIN, transaction_id="not-a-uuid")


async def test_history_pages_newest_first_for_the_owner_only(saga: Saga) -> None:
    ids = [(await move(saga, amount=n)).transaction.id for n in (1, 2, 3)]
    first = await service.list_transactions(saga, caller=ANN, account_number=A, limit=2, after="")
    assert [t.id for t in first.items] == ids[::-1][:2]
    assert first.has_more
    rest = await service.list_transactions(
        saga, caller=ANN, account_number=A, limit=2, after=first.next_after
    )
    assert [t.id for t in rest.items] == [ids[0]]
    assert not rest.has_more
    with pytest.raises(WalletNotFound):
        await service.list_transactions(saga, caller=BOB, account_number=A, limit=2, after="")


async def test_recent_transactions_show_each_reader_only_what_they_may(
    saga: Saga,
) -> None:
    ids = [(await move(saga, amount=n)).transaction.id for n in (1, 2, 3)]
    results = await service.recent_transactions(
        saga,
        [
            HistoryQuery(A, 2, ANN),
            HistoryQuery(A, 2, BOB),  # not Bob's
            HistoryQuery(A, 1, ADMIN),
            HistoryQuery(C, 5, BOB),  # Bob's, nothing moved yet
            HistoryQuery(A, 101, ANN),  # limit out of range
            HistoryQuery("", 5, ANN),  # not an account number
            HistoryQuery("2999999999999999", 5, ADMIN),  # no such wallet
        ],
    )
    anns, bobs_try, admins, bobs, too_many, blank, unknown = results
    assert isinstance(anns, RecentTransactions)
    assert anns.ids == ids[::-1][:2]
    assert anns.amounts == [3, 2]
    assert isinstance(admins, RecentTransactions)
    assert admins.ids == ids[-1:]
    assert bobs == RecentTransactions([], [], [], [], [], [], [], [], [])
    assert isinstance(bobs_try, WalletNotFound)
    assert isinstance(unknown, WalletNotFound)
    assert isinstance(too_many, InvalidArgument)
    assert isinstance(blank, InvalidArgument)


async def test_more_history_queries_than_a_call_may_carry_are_refused(
    saga: Saga,
) -> None:
    queries = [HistoryQuery(A, 1, ANN)] * (service.HISTORY_BATCH_MAX + 1)
    with pytest.raises(InvalidArgument):
        await service.recent_transactions(saga, queries)


async def test_no_single_deposit_can_exhaust_a_funding_wallet(
    saga: Saga, ledger: FakeLedger
) -> None:
    async def deposit(amount: int, currency: str = "USD") -> Result:
        return await service.create_deposit(
            saga,
            caller=ADMIN,
            account_number=B,
            amount=amount,
            currency=currency,
            idempotency_key="",
            allow_test_deposits=False,
        )

    for too_much in (2**63 - 1, 100_000_001):
        with pytest.raises(InvalidArgument) as refused:
            await deposit(too_much)
        assert refused.value.violations[0].field == "amount.amount_minor"
    assert ledger.applied == []
    # The default ceiling is 1,000,000.00 of the currency, and reaching it is allowed.
    assert (await deposit(100_000_000)).transaction.status == Status.COMPLETED
    assert (await deposit(1)).transaction.status == Status.COMPLETED


async def test_movement_ceilings_are_per_currency(ledger: FakeLedger) -> None:
    ceilings = AmountCeilings(default_major=5, by_currency_major={"EUR": 50})
    saga = Saga(repo=FakeTransactionRepository(), ledger=ledger, ceilings=ceilings)
    with pytest.raises(InvalidArgument, match="at most 500 "):
        await move(saga, amount=501)
    assert (await move(saga, amount=500)).transaction.status == Status.COMPLETED
    ceilings.check(5_000, "EUR")
    with pytest.raises(InvalidArgument, match="at most 5000 "):
        ceilings.check(5_001, "EUR")
    with pytest.raises(InvalidArgument, match="at most 5 "):
        ceilings.check(6, "JPY")
