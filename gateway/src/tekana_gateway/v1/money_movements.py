"""How /v1 answers a request that moved (or will move) money."""

from aiohttp import web

from tekana_common.money import check_minor
from tekana_gateway import jsonio
from tekana_gateway.presenters import v1_transaction
from tekana_gateway.v1.schemas import MoneyBody
from tekana_protos.tekana.common.v1 import Money
from tekana_protos.tekana.transaction import v1 as tx_pb


def money(body: MoneyBody) -> Money:
    amount = check_minor(body.amount_minor, field="amount.amount_minor")
    return Money(amount_minor=amount, currency=body.currency)


def movement_response(result: tx_pb.TransactionResult) -> web.Response:
    """201 once done, 202 while the ledger has not answered; a replay answers as the first
    request did, marked with ``Idempotent-Replayed``."""
    transaction = result.transaction or tx_pb.Transaction()
    status = 202 if transaction.status == tx_pb.Status.PENDING else 201
    response = jsonio.response(v1_transaction(transaction), status=status)
    response.headers["Location"] = f"/v1/transfers/{transaction.id}"
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
