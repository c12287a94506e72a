"""/v1 transfers: create (idempotent with ``Idempotency-Key``) and read one."""

from aiohttp import web

from tekana.transaction.v1 import transaction_pb2
from tekana_gateway import bodies, jsonio, movements, validation
from tekana_gateway.apidoc import UUID_PARAM, Doc, Reply, documented
from tekana_gateway.keys import UPSTREAMS
from tekana_gateway.presenters import v1_transaction
from tekana_gateway.v1.money_movements import money, movement_response
from tekana_gateway.v1.schemas import CreateTransfer
from tekana_protos.tekana.transaction import v1 as tx_pb

routes = web.RouteTableDef()


@routes.post("/v1/transfers")
@documented(
    Doc(
        "Move money from one of the caller's wallets",
        (
            Reply(201, bodies.TransactionV1, "Transferred"),
            Reply(202, bodies.TransactionV1, "Accepted; the ledger will apply it shortly"),
        ),
        request=CreateTransfer,
        idempotent=True,
        json_only=True,
    )
)
async def create_transfer(request: web.Request) -> web.Response:
    validation.require_caller(request)
    key = validation.idempotency_key(request)
    body = await validation.body(request, CreateTransfer)
    result = await movements.transfer(
        request,
        transaction_pb2.CreateTransferRequest(
            sender_account=body.from_account,
            receiver_account=body.to_account,
            amount=money(body.amount),
            idempotency_key=key,
        ),
    )
    return movement_response(result)


@routes.get("/v1/transfers/{id}")
@documented(
    Doc(
        "One transaction the caller took part in",
        (Reply(200, bodies.TransactionV1, "The transaction"),),
        path={"id": UUID_PARAM},
    )
)
async def get_transfer(request: web.Request) -> web.Response:
    validation.require_caller(request)
    transaction_id = validation.path_text(request, "id", max_length=36)
    found = await request.app[UPSTREAMS].transactions.get_transaction(
        tx_pb.GetTransactionRequest(id=transaction_id)
    )
    return jsonio.response(v1_transaction(found))
