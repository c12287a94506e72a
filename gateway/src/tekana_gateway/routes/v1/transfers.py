"""/v1 transfers: create (idempotent with ``Idempotency-Key``) and read one."""

from aiohttp import web

from tekana_common.money import check_minor
from tekana_gateway import jsonio, validation
from tekana_gateway.keys import UPSTREAMS
from tekana_gateway.openapi.declare import UUID_PARAM, Doc, Reply, caller, documented
from tekana_gateway.presenters import v1_transaction
from tekana_gateway.routes.v1.movements import movement_response
from tekana_gateway.schemas.v1 import CreateTransfer, TransactionV1

routes = web.RouteTableDef()


@routes.post("/v1/transfers")
@documented(
    Doc(
        "Move money from one of the caller's wallets",
        (
            Reply(201, TransactionV1, "Transferred"),
            Reply(202, TransactionV1, "Accepted; the ledger will apply it shortly"),
        ),
        request=CreateTransfer,
        idempotent=True,
        json_only=True,
    )
)
async def create_transfer(request: web.Request) -> web.Response:
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateTransfer)
    result = await request.app[UPSTREAMS].transactions.transfer(
        caller(request),
        sender=body.from_account,
        receiver=body.to_account,
        amount_minor=check_minor(body.amount.amount_minor, field="amount.amount_minor"),
        currency=body.amount.currency,
        idempotency_key=key,
    )
    return movement_response(result)


@routes.get("/v1/transfers/{id}")
@documented(
    Doc(
        "One transaction the caller took part in",
        (Reply(200, TransactionV1, "The transaction"),),
        path={"id": UUID_PARAM},
    )
)
async def get_transfer(request: web.Request) -> web.Response:
    transaction_id = validation.path_text(request, "id", max_length=36)
    found = await request.app[UPSTREAMS].transactions.transaction(caller(request), transaction_id)
    return jsonio.response(v1_transaction(found))
