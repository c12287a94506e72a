"""Wallet use-cases. Each takes its dependencies as arguments and raises domain errors."""

import uuid
from collections.abc import Sequence

from tekana_common import money
from tekana_common.context import (
    IMPORTED_CURSOR,
    Caller,
    Page,
    check_idempotency_key,
    check_limit,
    page_of,
    parse_cursor,
)
from tekana_common.errors import DomainError, InvalidArgument, Unavailable
from tekana_common.logging import get_logger
from tekana_wallet import domain
from tekana_wallet.domain import (
    Activity,
    ActivityQuery,
    LedgerEntry,
    TransferOutcome,
    TransferRequest,
    Wallet,
    WalletNotFound,
    WalletType,
)
from tekana_wallet.ports import AccountNumberTaken, TransientConflict, WalletRepository

log = get_logger(__name__)

# Account numbers are drawn from 10^14; a handful of collisions in a row means something
# other than chance is wrong.
ACCOUNT_NUMBER_ATTEMPTS = 8
BATCH_MAX = 256
TRANSFER_ATTEMPTS = 10
RESOLVE_MAX = 100
ACCOUNT_NUMBER_MAX = 32


async def create_wallet(
    repo: WalletRepository,
    *,
    caller: Caller,
    wallet_type: str,
    currency: str,
    idempotency_key: str = "",
) -> Wallet:
    """A new, empty wallet owned by the caller, under a fresh random account number; a retry
    with the same idempotency key returns the wallet the first call created."""
    checked_type = domain.check_wallet_type(wallet_type)
    money.exponent(currency)
    check_idempotency_key(idempotency_key)
    return await _create(
        repo,
        owner_id=caller.customer_id,
        type=checked_type,
        currency=currency,
        idempotency_key=idempotency_key or None,
    )


async def _create(
    repo: WalletRepository,
    *,
    owner_id: int | None,
    type: WalletType,
    currency: str,
    idempotency_key: str | None = None,
) -> Wallet:
    for _ in range(ACCOUNT_NUMBER_ATTEMPTS):
        try:
            return await repo.create(
                account_number=domain.new_account_number(),
                owner_id=owner_id,
                type=type,
                currency=currency,
                idempotency_key=idempotency_key,
            )
        except AccountNumberTaken:
            log.warning("account_number_collision")
    raise Unavailable("account_number_exhausted", "Could not allocate an account number")


def _visible(wallet: Wallet | None, caller: Caller) -> Wallet:
    if wallet is None or not _may_see(caller, wallet):
        raise WalletNotFound
    return wallet


def _may_see(caller: Caller, wallet: Wallet) -> bool:
    return wallet.owner_id == caller.customer_id or caller.is_admin


async def _find(repo: WalletRepository, account_number: str) -> Wallet | None:
    # A string that cannot be an account number names no wallet; no need to ask the database.
    if not domain.is_valid_account_number(account_number):
        return None
    return await repo.get(account_number)


async def get_wallet(repo: WalletRepository, *, caller: Caller, account_number: str) -> Wallet:
    """The wallet if the caller owns it or is an admin; otherwise it does not exist."""
    return _visible(await _find(repo, account_number), caller)


async def list_wallets(repo: WalletRepository, *, caller: Caller, owner_id: int) -> list[Wallet]:
    """The caller's wallets; an admin may ask for anyone's."""
    owner = owner_id or caller.customer_id
    if owner != caller.customer_id and not caller.is_admin:
        return []
    return await repo.list_by_owner(owner)


async def list_entries(
    repo: WalletRepository, *, caller: Caller, account_number: str, limit: int, after: str
) -> tuple[Wallet, Page[LedgerEntry]]:
    """A visible wallet and one page of its ledger, newest first, then of the activity the
    old system logged for it (older than all of the ledger), under cursors of their own."""
    wallet = _visible(await _find(repo, account_number), caller)
    wanted = check_limit(limit) + 1
    rows: list[LedgerEntry] = []
    imported_before = money.BIGINT_MAX
    if after.startswith(IMPORTED_CURSOR):
        imported_before = parse_cursor(after.removeprefix(IMPORTED_CURSOR), start=0)
    else:
        before_id = parse_cursor(after, start=money.BIGINT_MAX)
        rows = await repo.entries(wallet, before_id=before_id, limit=wanted)
    if len(rows) < wanted:
        rows += await repo.imported_entries(
            wallet, before_id=imported_before, limit=wanted - len(rows)
        )
    return wallet, page_of(rows, limit, key=_entry_cursor)


def _entry_cursor(entry: LedgerEntry) -> str:
    return f"{IMPORTED_CURSOR}{entry.id}" if entry.imported else str(entry.id)


async def wallet_activities(
    repo: WalletRepository, queries: Sequence[ActivityQuery]
) -> list[tuple[Wallet, Activity] | DomainError]:
    """For each query, in order: the wallet, if its reader may see it, with its latest
    ``limit`` entries newest first; or the error that query alone meets. One read for all."""
    if len(queries) > BATCH_MAX:
        raise InvalidArgument.for_field("queries", f"at most {BATCH_MAX} in one call")
    refusals = [_refusal(query) for query in queries]
    # A string that cannot be an account number names no wallet: no need to look.
    asked = [
        i
        for i, query in enumerate(queries)
        if refusals[i] is None and domain.is_valid_account_number(query.account_number)
    ]
    found: dict[int, tuple[Wallet, Activity]] = {}
    if asked:
        pages = await repo.with_activities(
            [(queries[i].account_number, queries[i].limit) for i in asked]
        )
        found = {
            i: page
            for i, page in zip(asked, pages, strict=True)
            if page is not None and _may_see(queries[i].reader, page[0])
        }
    # Neither refused nor found: not there, or not the reader's.
    return [
        found[i] if i in found else refusals[i] or WalletNotFound() for i in range(len(queries))
    ]


def _refusal(query: ActivityQuery) -> InvalidArgument | None:
    """Why a query is refused before anything is read, if it is."""
    try:
        check_limit(query.limit)
    except InvalidArgument as exc:
        return exc
    return None


async def funding_account(repo: WalletRepository, *, currency: str) -> Wallet:
    """The currency's funding wallet, created on first use."""
    money.exponent(currency)
    existing = await repo.funding(currency)
    if existing is not None:
        return existing
    try:
        return await _create(repo, owner_id=None, type=WalletType.FUNDING, currency=currency)
    except Unavailable:
        # A concurrent first use created it; the unique index let only one through.
        created = await repo.funding(currency)
        if created is None:
            raise
        return created


async def apply_transfers(
    repo: WalletRepository, requests: Sequence[TransferRequest]
) -> list[TransferOutcome]:
    """Move each request's money once, or refuse it, all in one database transaction;
    replays return the first outcome, and outcomes come in the order of the requests.
    Conflicts between concurrent transactions are retried here and never reach the caller."""
    if not requests:
        return []
    if len(requests) > BATCH_MAX:
        raise InvalidArgument.for_field("transfers", f"at most {BATCH_MAX} at once")
    for request in requests:
        _check_transfer(request)
    for attempt in range(1, TRANSFER_ATTEMPTS + 1):
        try:
            return await repo.apply_transfers(requests)
        except TransientConflict:
            log.warning("transfers_retried", transfers=len(requests), attempt=attempt)
    raise Unavailable("ledger_busy", "The ledger is busy; retry the transfer")


def _check_transfer(request: TransferRequest) -> None:
    for field, account in (
        ("from_account", request.from_account),
        ("to_account", request.to_account),
    ):
        if len(account) > ACCOUNT_NUMBER_MAX:
            raise InvalidArgument.for_field(field, "is not an account number")
    try:
        uuid.UUID(request.transfer_id)
    except ValueError:
        raise InvalidArgument.for_field("transfer_id", "must be a UUID") from None
    money.check_minor(request.amount, field="amount.amount_minor")
    money.exponent(request.currency, field="amount.currency")


async def resolve_accounts(repo: WalletRepository, *, account_numbers: list[str]) -> list[Wallet]:
    """Owner and currency of each known account, for the transaction service's checks."""
    if len(account_numbers) > RESOLVE_MAX:
        raise InvalidArgument.for_field("account_numbers", f"at most {RESOLVE_MAX} at once")
    return await repo.resolve([a for a in account_numbers if domain.is_valid_account_number(a)])
