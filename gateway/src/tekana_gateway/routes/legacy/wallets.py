"""Legacy wallet endpoints: create, list, deposit, read one with its latest activity."""

import asyncio

from aiohttp import web
from grpclib.exceptions import GRPCError

from tekana_common.context import Caller
from tekana_common.grpc_errors import error_code
from tekana_common.money import major_to_minor
from tekana_gateway import validation
from tekana_gateway.errors import envelope
from tekana_gateway.keys import SETTINGS, UPSTREAMS
from tekana_gateway.openapi.declare import ACCOUNT_PARAM, Doc, Reply, caller, documented
from tekana_gateway.presenters import WALLET_TYPE_FROM_NAME, legacy_wallet
from tekana_gateway.schemas.legacy import (
    CreateWalletBody,
    DepositBody,
    LegacyStatus,
    LegacyWallet,
    LegacyWalletId,
    LegacyWallets,
    WalletLegacy,
)
from tekana_gateway.upstream import Upstreams

routes = web.RouteTableDef()

# The old body carried the whole history on every read; the latest 100 entries now.
ACTIVITY_LIMIT = 100
ALREADY_DEPOSITED = "Money already added to your account"


async def _with_activity(upstreams: Upstreams, account: str, reader: Caller) -> WalletLegacy:
    # The wallet and its activity in one read, which refuses others' wallets.
    page = await upstreams.wallets.with_activity(reader, account, limit=ACTIVITY_LIMIT)
    return legacy_wallet(page)


@routes.post("/wallet")
@documented(
    Doc(
        "Open a wallet in the default currency",
        (Reply(201, LegacyWalletId, "The new wallet's id"),),
        request=CreateWalletBody,
        idempotent=True,
    )
)
async def create_wallet(request: web.Request) -> web.Response:
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateWalletBody)
    wallet = await request.app[UPSTREAMS].wallets.create(
        caller(request),
        type=WALLET_TYPE_FROM_NAME[body.walletType],
        currency="",
        idempotency_key=key,
    )
    return envelope(request, {"status": 200, "id": wallet.id})


@routes.get("/wallet")
@documented(Doc("The caller's wallets", (Reply(200, LegacyWallets, "Wallets"),)))
async def list_wallets(request: web.Request) -> web.Response:
    reader = caller(request)
    upstreams = request.app[UPSTREAMS]
    wallets = await upstreams.wallets.wallets(reader)
    data = await asyncio.gather(
        *(_with_activity(upstreams, w.account_number, reader) for w in wallets)
    )
    return envelope(request, {"status": 200, "data": data})


# The old column was an integer: a client's id that is one shows on the wallet page as is.
INT64_MAX = 2**63 - 1


def client_reference(transaction_id: str | int) -> int:
    """The deposit's integer ``transactionId``, or 0 when it is not a positive int64."""
    text = str(transaction_id)
    if text.isascii() and text.isdigit() and 0 < int(text) <= INT64_MAX:
        return int(text)
    return 0


@routes.post("/wallet/deposit")
@documented(
    Doc(
        "Deposit into one's own wallet (admins: any); transactionId makes it idempotent",
        (Reply(201, LegacyStatus, "Deposited, or Money already added to your account"),),
        request=DepositBody,
        json_only=True,
    )
)
async def deposit(request: web.Request) -> web.Response:
    body = await validation.body(request, DepositBody)
    currency = request.app[SETTINGS].default_currency
    amount = major_to_minor(body.amount, currency, field="amount")
    try:
        result = await request.app[UPSTREAMS].transactions.deposit(
            caller(request),
            account_number=body.accNumber,
            amount_minor=amount,
            currency=currency,
            idempotency_key=str(body.transactionId),
            client_reference=client_reference(body.transactionId),
        )
    except GRPCError as exc:
        if error_code(exc) == "idempotency_key_reused":
            return envelope(request, {"status": 409, "error": [ALREADY_DEPOSITED]})
        raise
    if result.replayed:
        return envelope(request, {"status": 409, "error": [ALREADY_DEPOSITED]})
    return envelope(request, {"status": 200})


@routes.get("/wallet/{accNumber}")
@documented(
    Doc(
        "One of the caller's wallets with its latest 100 activity entries, oldest first",
        (Reply(200, LegacyWallet, "The wallet, or Wallet not found"),),
        path={"accNumber": ACCOUNT_PARAM},
    )
)
async def get_wallet(request: web.Request) -> web.Response:
    account = validation.path_text(request, "accNumber")
    data = await _with_activity(request.app[UPSTREAMS], account, caller(request))
    return envelope(request, {"status": 200, "data": data})
