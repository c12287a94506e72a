"""Transfers and deposits, each as its request's caller's, through the grouped
``CreateMovements`` call (``tekana_gateway.grouped``)."""

from typing import Any

from aiohttp import web

from tekana.transaction.v1 import transaction_pb2
from tekana_common.context import request_id_var
from tekana_gateway import validation
from tekana_gateway.keys import UPSTREAMS


async def transfer(
    request: web.Request, message: transaction_pb2.CreateTransferRequest
) -> transaction_pb2.TransactionResult:
    """What CreateTransfer answers the request's caller (its errors as ``GRPCError``)."""
    return await _move(request, transfer=message)


async def deposit(
    request: web.Request, message: transaction_pb2.CreateDepositRequest
) -> transaction_pb2.TransactionResult:
    """What CreateDeposit answers the request's caller (its errors as ``GRPCError``)."""
    return await _move(request, deposit=message)


async def _move(request: web.Request, **what: Any) -> transaction_pb2.TransactionResult:
    caller = validation.require_caller(request)
    movement = transaction_pb2.Movement(
        customer_id=caller.customer_id,
        admin=caller.is_admin,
        request_id=request_id_var.get(),
        **what,
    )
    return await request.app[UPSTREAMS].movements.call(movement)
