"""Transaction use-cases: transfers and deposits (each driven by its saga, ``saga``), their
recovery after a crash, and reading them back."""

import uuid
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from tekana_common import money, tracing
from tekana_common.context import (
    Caller,
    Page,
    check_idempotency_key,
    check_limit,
    page_of,
    parse_cursor,
)
from tekana_common.errors import DomainError, InvalidArgument, Unavailable
from tekana_common.logging import get_logger
from tekana_transaction.domain import (
    Account,
    DepositsNotAllowed,
    HistoryQuery,
    Kind,
    RecentTransactions,
    Result,
    SenderWalletNotFound,
    Status,
    Transaction,
    TransactionNotFound,
    WalletNotFound,
    check_account,
)
from tekana_transaction.metrics import OLDEST_PENDING, RECOVERIES
from tekana_transaction.ports import Ledger, LedgerUnavailable, TransactionRepository
from tekana_transaction.saga import MovementRequest, Saga, drive, start

log = get_logger(__name__)

T = TypeVar("T")

# Queries in one GetRecentTransactions call (the gateway groups concurrent history reads).
HISTORY_BATCH_MAX = 256


def _movement(
    saga: Saga,
    kind: Kind,
    sender: str,
    receiver: str,
    amount: int,
    currency: str,
    key: str,
    client_reference: int | None = None,
) -> MovementRequest:
    money.check_minor(amount, field="amount.amount_minor")
    saga.ceilings.check(amount, currency)
    return MovementRequest(
        kind,
        sender,
        receiver,
        amount,
        currency,
        check_idempotency_key(key) or None,
        client_reference,
    )


async def create_transfer(
    saga: Saga,
    *,
    caller: Caller,
    sender_account: str,
    receiver_account: str,
    amount: int,
    currency: str,
    idempotency_key: str,
) -> Result:
    """Move money from a wallet the caller owns to another. Admins included: nobody moves
    money out of a wallet that is not theirs.

    Only who owns the sender is checked here, since the ledger does not know the caller; every
    other rule (the receiver exists, currencies match, wallets differ, funds suffice) is the
    ledger's, whose refusal is recorded as the transaction's failure like any other."""
    sender = check_account("sender_account", sender_account)
    receiver = check_account("receiver_account", receiver_account)
    movement = _movement(saga, Kind.TRANSFER, sender, receiver, amount, currency, idempotency_key)
    accounts = await _resolve(saga.ledger, [sender, receiver])
    sender_info = accounts.get(sender)
    # Someone else's wallet reads as no wallet at all, so accounts cannot be probed.
    if sender_info is None or sender_info.owner_id != caller.customer_id:
        raise SenderWalletNotFound
    receiver_info = accounts.get(receiver) or Account(receiver, owner_id=None, currency=currency)
    return await start(saga, caller, movement, sender_info, receiver_info)


async def create_deposit(
    saga: Saga,
    *,
    caller: Caller,
    account_number: str,
    amount: int,
    currency: str,
    idempotency_key: str,
    allow_test_deposits: bool,
    client_reference: int | None = None,
) -> Result:
    """Money into a wallet from the currency's funding wallet. ``client_reference``: the
    integer the legacy surface's client named it by, which its wallet page shows."""
    receiver = check_account("account_number", account_number)
    money.check_minor(amount, field="amount.amount_minor")
    saga.ceilings.check(amount, currency)
    funding = await _unless_unavailable(saga.ledger.funding_account(currency))
    movement = _movement(
        saga, Kind.DEPOSIT, funding, receiver, amount, currency, idempotency_key, client_reference
    )
    target = (await _resolve(saga.ledger, [receiver])).get(receiver)
    if target is None or (target.owner_id != caller.customer_id and not caller.is_admin):
        raise WalletNotFound
    if not caller.is_admin and not allow_test_deposits:
        raise DepositsNotAllowed
    funding_info = Account(account_number=funding, owner_id=None, currency=currency)
    return await start(saga, caller, movement, funding_info, target)


async def recover_pending(saga: Saga, *, older_than: timedelta, batch: int = 100) -> int:
    """Finish pending transactions left behind by a crash or an unreachable ledger."""
    finished = 0
    pending = await saga.repo.pending_older_than(older_than, batch)
    oldest = min((t.created_at for t in pending), default=None)
    OLDEST_PENDING.set((datetime.now(UTC) - oldest).total_seconds() if oldest else 0)
    for transaction in pending:
        with tracing.span("saga.recover", attributes={"tekana.transaction.id": transaction.id}):
            result = await drive(saga, transaction)
        RECOVERIES.labels(result.status.value).inc()
        if result.status != Status.PENDING:
            finished += 1
            log.info("transaction_recovered", transaction_id=result.id, status=result.status)
    return finished


async def get_transaction(
    repo: TransactionRepository, *, caller: Caller, transaction_id: str
) -> Transaction:
    """A transaction its caller took part in (any, for an admin)."""
    try:
        uuid.UUID(transaction_id)
    except ValueError:
        raise TransactionNotFound from None
    found = await repo.get(transaction_id)
    if found is None or not (caller.is_admin or found.visible_to(caller.customer_id)):
        raise TransactionNotFound
    return found


async def list_transactions(
    saga: Saga, *, caller: Caller, account_number: str, limit: int, after: str
) -> Page[Transaction]:
    """One page of a wallet's transactions, newest first, for its owner or an admin."""
    account = await _check_visible(saga.ledger, caller, account_number)
    before = parse_cursor(after, start=money.BIGINT_MAX)
    rows = await saga.repo.page_for_account(
        account, before_seq=before, limit=check_limit(limit) + 1
    )
    page = page_of(rows, limit, key=lambda row: row[0])
    return Page([t for _, t in page.items], page.has_more, page.next_after)


async def recent_transactions(
    saga: Saga, queries: Sequence[HistoryQuery]
) -> list[RecentTransactions | DomainError]:
    """For each query, in order: the account's latest ``limit`` transactions newest first, if
    its reader owns the account or is an admin; or the error that query alone meets. One
    lookup of the accounts and one read for all."""
    if len(queries) > HISTORY_BATCH_MAX:
        raise InvalidArgument.for_field("queries", f"at most {HISTORY_BATCH_MAX} in one call")
    refusals = [_refusal(query) for query in queries]
    asked = [i for i, refusal in enumerate(refusals) if refusal is None]
    found: dict[int, RecentTransactions] = {}
    if asked:
        accounts = await _resolve(saga.ledger, sorted({queries[i].account_number for i in asked}))
        shown = [
            i for i in asked if _may_see(queries[i].reader, accounts.get(queries[i].account_number))
        ]
        if shown:
            recent = await saga.repo.recent_for_accounts(
                [(queries[i].account_number, queries[i].limit) for i in shown]
            )
            found = dict(zip(shown, recent, strict=True))
    # Neither refused nor found: not there, or not the reader's.
    return [
        found[i] if i in found else refusals[i] or WalletNotFound() for i in range(len(queries))
    ]


def _refusal(query: HistoryQuery) -> InvalidArgument | None:
    """Why a query is refused before anything is read, if it is."""
    try:
        check_limit(query.limit)
        check_account("account_number", query.account_number)
    except InvalidArgument as exc:
        return exc
    return None


def _may_see(reader: Caller, account: Account | None) -> bool:
    return account is not None and (account.owner_id == reader.customer_id or reader.is_admin)


async def _check_visible(ledger: Ledger, caller: Caller, account_number: str) -> str:
    """The account, if it is the caller's or the caller is an admin; else WalletNotFound."""
    account = check_account("account_number", account_number)
    if not _may_see(caller, (await _resolve(ledger, [account])).get(account)):
        raise WalletNotFound
    return account


async def _resolve(ledger: Ledger, accounts: list[str]) -> dict[str, Account]:
    return await _unless_unavailable(ledger.resolve(accounts))


async def _unless_unavailable(pending: Awaitable[T]) -> T:
    try:
        return await pending
    except LedgerUnavailable as exc:
        raise Unavailable("wallet_service_unavailable", "Service Unavailable") from exc
