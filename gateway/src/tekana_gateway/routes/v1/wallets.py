"""/v1 wallets: create, list, read, ledger entries, deposits and transaction history."""

from aiohttp import web

from tekana_common.money import check_minor
from tekana_gateway import jsonio, validation
from tekana_gateway.keys import UPSTREAMS
from tekana_gateway.openapi.declare import ACCOUNT_PARAM, Doc, Reply, caller, documented
from tekana_gateway.presenters import (
    WALLET_TYPE_FROM_NAME,
    page_info,
    v1_entry,
    v1_transaction,
    v1_wallet,
)
from tekana_gateway.routes.v1.movements import movement_response
from tekana_gateway.schemas.v1 import (
    CreateDeposit,
    CreateWallet,
    EntryPageV1,
    TransactionPageV1,
    TransactionV1,
    WalletListV1,
    WalletV1,
)

routes = web.RouteTableDef()


@routes.post("/v1/wallets")
@documented(
    Doc(
        "Open a wallet",
        (Reply(201, WalletV1, "The new wallet (or, on a retry, the same one)"),),
        request=CreateWallet,
        idempotent=True,
    )
)
async def create_wallet(request: web.Request) -> web.Response:
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateWallet)
    wallet = await request.app[UPSTREAMS].wallets.create(
        caller(request),
        type=WALLET_TYPE_FROM_NAME[body.type],
        currency=body.currency or "",
        idempotency_key=key,
    )
    response = jsonio.response(v1_wallet(wallet), status=201)
    response.headers["Location"] = f"/v1/wallets/{wallet.account_number}"
    return response


@routes.get("/v1/wallets")
@documented(Doc("The caller's wallets", (Reply(200, WalletListV1, "Wallets"),)))
async def list_wallets(request: web.Request) -> web.Response:
    wallets = await request.app[UPSTREAMS].wallets.wallets(caller(request))
    body: WalletListV1 = {"data": [v1_wallet(w) for w in wallets]}
    return jsonio.response(body)


@routes.get("/v1/wallets/{account}")
@documented(
    Doc(
        "One of the caller's wallets",
        (Reply(200, WalletV1, "The wallet"),),
        path={"account": ACCOUNT_PARAM},
    )
)
async def get_wallet(request: web.Request) -> web.Response:
    account = validation.path_text(request, "account")
    wallet = await request.app[UPSTREAMS].wallets.wallet(caller(request), account)
    return jsonio.response(v1_wallet(wallet))


@routes.get("/v1/wallets/{account}/entries")
@documented(
    Doc(
        "A wallet's ledger entries, newest first",
        (Reply(200, EntryPageV1, "A page"),),
        path={"account": ACCOUNT_PARAM},
        paginated=True,
    )
)
async def list_entries(request: web.Request) -> web.Response:
    account = validation.path_text(request, "account")
    reply = await request.app[UPSTREAMS].wallets.entries(
        caller(request), account, validation.page(request)
    )
    has_more, next_after = page_info(reply.page)
    body: EntryPageV1 = {
        "data": [v1_entry(e) for e in reply.entries],
        "has_more": has_more,
        "next_after": next_after,
    }
    return jsonio.response(body)


@routes.post("/v1/wallets/{account}/deposits")
@documented(
    Doc(
        "Deposit into one's own wallet (while test deposits are on) or, for admins, any",
        (
            Reply(201, TransactionV1, "Deposited"),
            Reply(202, TransactionV1, "Accepted; the ledger will apply it shortly"),
        ),
        request=CreateDeposit,
        path={"account": ACCOUNT_PARAM},
        idempotent=True,
        json_only=True,
    )
)
async def deposit(request: web.Request) -> web.Response:
    account = validation.path_text(request, "account")
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateDeposit)
    result = await request.app[UPSTREAMS].transactions.deposit(
        caller(request),
        account_number=account,
        amount_minor=check_minor(body.amount.amount_minor, field="amount.amount_minor"),
        currency=body.amount.currency,
        idempotency_key=key,
    )
    return movement_response(result)


@routes.get("/v1/wallets/{account}/transactions")
@documented(
    Doc(
        "A wallet's transactions, newest first",
        (Reply(200, TransactionPageV1, "A page"),),
        path={"account": ACCOUNT_PARAM},
        paginated=True,
    )
)
async def list_transactions(request: web.Request) -> web.Response:
    account = validation.path_text(request, "account")
    reply = await request.app[UPSTREAMS].transactions.transactions(
        caller(request), account, validation.page(request)
    )
    has_more, next_after = page_info(reply.page)
    body: TransactionPageV1 = {
        "data": [v1_transaction(t) for t in reply.transactions],
        "has_more": has_more,
        "next_after": next_after,
    }
    return jsonio.response(body)
