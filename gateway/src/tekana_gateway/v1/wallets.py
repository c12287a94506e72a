"""/v1 wallets: create, list, read, ledger entries, deposits and transaction history."""

from aiohttp import web

from tekana_gateway import jsonio, validation
from tekana_gateway.keys import UPSTREAMS
from tekana_gateway.presenters import (
    WALLET_TYPE_FROM_NAME,
    page_info,
    v1_entry,
    v1_transaction,
    v1_wallet,
)
from tekana_gateway.v1.money_movements import money, movement_response
from tekana_gateway.v1.schemas import CreateDeposit, CreateWallet
from tekana_protos.tekana.common.v1 import PageRequest
from tekana_protos.tekana.transaction import v1 as tx_pb
from tekana_protos.tekana.wallet import v1 as wallet_pb

routes = web.RouteTableDef()


def _page(request: web.Request) -> PageRequest:
    return PageRequest(
        limit=validation.query_int(request, "limit", default=50, low=1, high=100),
        after=validation.query_cursor(request),
    )


@routes.post("/v1/wallets")
async def create_wallet(request: web.Request) -> web.Response:
    validation.require_caller(request)
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateWallet)
    wallet = await request.app[UPSTREAMS].wallets.create_wallet(
        wallet_pb.CreateWalletRequest(
            type=WALLET_TYPE_FROM_NAME[body.type],
            currency=body.currency or "",
            idempotency_key=key,
        )
    )
    response = jsonio.response(v1_wallet(wallet), status=201)
    response.headers["Location"] = f"/v1/wallets/{wallet.account_number}"
    return response


@routes.get("/v1/wallets")
async def list_wallets(request: web.Request) -> web.Response:
    validation.require_caller(request)
    reply = await request.app[UPSTREAMS].wallets.list_wallets(wallet_pb.ListWalletsRequest())
    return jsonio.response({"data": [v1_wallet(w) for w in reply.wallets]})


@routes.get("/v1/wallets/{account}")
async def get_wallet(request: web.Request) -> web.Response:
    validation.require_caller(request)
    account = validation.path_text(request, "account")
    wallet = await request.app[UPSTREAMS].wallets.get_wallet(
        wallet_pb.GetWalletRequest(account_number=account)
    )
    return jsonio.response(v1_wallet(wallet))


@routes.get("/v1/wallets/{account}/entries")
async def list_entries(request: web.Request) -> web.Response:
    validation.require_caller(request)
    account = validation.path_text(request, "account")
    reply = await request.app[UPSTREAMS].wallets.list_entries(
        wallet_pb.ListEntriesRequest(account_number=account, page=_page(request))
    )
    return jsonio.response({"data": [v1_entry(e) for e in reply.entries], **page_info(reply.page)})


@routes.post("/v1/wallets/{account}/deposits")
async def deposit(request: web.Request) -> web.Response:
    validation.require_caller(request)
    account = validation.path_text(request, "account")
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateDeposit)
    result = await request.app[UPSTREAMS].transactions.create_deposit(
        tx_pb.CreateDepositRequest(
            account_number=account, amount=money(body.amount), idempotency_key=key
        )
    )
    return movement_response(result)


@routes.get("/v1/wallets/{account}/transactions")
async def list_transactions(request: web.Request) -> web.Response:
    validation.require_caller(request)
    account = validation.path_text(request, "account")
    reply = await request.app[UPSTREAMS].transactions.list_transactions(
        tx_pb.ListTransactionsRequest(account_number=account, page=_page(request))
    )
    return jsonio.response(
        {"data": [v1_transaction(t) for t in reply.transactions], **page_info(reply.page)}
    )
