"""Legacy transaction endpoints: transfer (idempotent with a header), a wallet's history."""

from aiohttp import web

from tekana.transaction.v1 import transaction_pb2 as transaction_pb
from tekana_common.money import major_to_minor
from tekana_gateway import validation
from tekana_gateway.errors import envelope
from tekana_gateway.keys import SETTINGS, UPSTREAMS
from tekana_gateway.openapi.declare import ACCOUNT_PARAM, Doc, Reply, caller, documented
from tekana_gateway.presenters import legacy_history
from tekana_gateway.schemas.legacy import LegacyTransactionId, LegacyTransactions, TransferBody

routes = web.RouteTableDef()

HISTORY_LIMIT = 100


@routes.post("/transaction")
@documented(
    Doc(
        "Transfer between wallets (status 202 in the body while the ledger has not answered)",
        (Reply(201, LegacyTransactionId, "The transaction id, or the refusal"),),
        request=TransferBody,
        idempotent=True,
        json_only=True,
    )
)
async def transfer(request: web.Request) -> web.Response:
    key = validation.idempotency_key(request)
    body = await validation.body(request, TransferBody)
    currency = request.app[SETTINGS].default_currency
    amount = major_to_minor(body.amount, currency, field="amount")
    result = await request.app[UPSTREAMS].transactions.transfer(
        caller(request),
        sender=body.senderAcc,
        receiver=body.receiverAcc,
        amount_minor=amount,
        currency=currency,
        idempotency_key=key,
    )
    transaction = result.transaction
    # Pending: the ledger did not answer in time; recovery completes it, so report acceptance.
    status = 202 if transaction.status == transaction_pb.STATUS_PENDING else 200
    # The old system answered an integer id; /v1 keeps the UUID.
    return envelope(request, {"status": status, "id": transaction.legacy_id})


@routes.get("/transaction/{accNumber}")
@documented(
    Doc(
        "A wallet's latest 100 transactions, oldest first",
        (Reply(200, LegacyTransactions, "Transactions, or Wallet not found"),),
        path={"accNumber": ACCOUNT_PARAM},
    )
)
async def history(request: web.Request) -> web.Response:
    account = validation.path_text(request, "accNumber")
    recent = await request.app[UPSTREAMS].transactions.recent(
        caller(request), account, limit=HISTORY_LIMIT
    )
    return envelope(request, {"status": 200, "data": legacy_history(recent)})
