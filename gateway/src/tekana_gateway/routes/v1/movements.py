"""How /v1 answers a request that moved (or will move) money."""

from aiohttp import web

from tekana.transaction.v1 import transaction_pb2
from tekana_gateway import jsonio
from tekana_gateway.presenters import v1_transaction


def movement_response(result: transaction_pb2.TransactionResult) -> web.Response:
    """201 once done, 202 while the ledger has not answered; a replay answers as the first
    request did, marked with ``Idempotent-Replayed``."""
    transaction = result.transaction
    status = 202 if transaction.status == transaction_pb2.STATUS_PENDING else 201
    response = jsonio.response(v1_transaction(transaction), status=status)
    response.headers["Location"] = f"/v1/transfers/{transaction.id}"
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
