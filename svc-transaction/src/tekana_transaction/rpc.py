"""gRPC edge of the transaction service: protobuf in, one use-case, protobuf out."""

import asyncio
from dataclasses import dataclass
from typing import Any

from grpclib.server import Stream

from tekana.transaction.v1 import transaction_grpc
from tekana.transaction.v1 import transaction_pb2 as pb
from tekana_common.context import caller_of, page_requested, request_id_var
from tekana_common.errors import DomainError, InvalidArgument
from tekana_common.grpc_errors import add_answers
from tekana_common.grpc_server import carry_out, receive
from tekana_transaction import service
from tekana_transaction.domain import (
    HistoryQuery,
    Kind,
    RecentTransactions,
    Result,
    Status,
    Transaction,
)
from tekana_transaction.saga import Saga

SERVICE = "transaction"
KIND_TO_PB = {
    Kind.TRANSFER: pb.KIND_TRANSFER,
    Kind.DEPOSIT: pb.KIND_DEPOSIT,
    Kind.OPENING: pb.KIND_OPENING,
}
STATUS_TO_PB = {
    Status.PENDING: pb.STATUS_PENDING,
    Status.COMPLETED: pb.STATUS_COMPLETED,
    Status.FAILED: pb.STATUS_FAILED,
}
# Movements in one CreateMovements call.
MOVEMENTS_MAX = 256


def transaction_fields(transaction: Transaction) -> dict[str, Any]:
    """A ``Transaction`` message's fields (keywords: upb builds nested messages in place)."""
    completed = transaction.completed_at
    return {
        "id": transaction.id,
        "kind": KIND_TO_PB[transaction.kind],
        "sender_account": transaction.sender_account,
        "receiver_account": transaction.receiver_account,
        "amount": {"amount_minor": transaction.amount, "currency": transaction.currency},
        "status": STATUS_TO_PB[transaction.status],
        "failure_code": transaction.failure_code or "",
        "initiator_id": transaction.initiator_id or 0,
        "created_at_us": int(transaction.created_at.timestamp() * 1_000_000),
        "completed_at_us": int(completed.timestamp() * 1_000_000) if completed else 0,
        "legacy_id": transaction.legacy_id or 0,
        "client_reference": transaction.client_reference or 0,
        "imported": transaction.imported,
    }


def _result_fields(result: Result) -> dict[str, Any]:
    return {"transaction": transaction_fields(result.transaction), "replayed": result.replayed}


def _recent_fields(recent: RecentTransactions) -> dict[str, Any]:
    return {
        "ids": recent.ids,
        "sender_accounts": recent.sender_accounts,
        "receiver_accounts": recent.receiver_accounts,
        "amounts_minor": recent.amounts,
        "currencies": recent.currencies,
        "statuses": [STATUS_TO_PB[s] for s in recent.statuses],
        "created_at_us": recent.created_at_us,
        "legacy_ids": recent.legacy_ids,
        "imported": recent.imported,
    }


def _history_query(query: pb.RecentTransactionsQuery) -> HistoryQuery:
    return HistoryQuery(query.account_number, query.limit, caller_of(query))


@dataclass(eq=False)
class TransactionServicer(transaction_grpc.TransactionServiceBase):
    saga: Saga
    allow_test_deposits: bool

    async def CreateMovements(
        self, stream: Stream[pb.CreateMovementsRequest, pb.CreateMovementsResponse]
    ) -> None:
        """Each movement in a task of its own, as its caller's."""
        request = await receive(stream)
        if len(request.movements) > MOVEMENTS_MAX:
            raise InvalidArgument.for_field("movements", f"at most {MOVEMENTS_MAX} in one call")
        results = await asyncio.gather(*(self._movement(m) for m in request.movements))
        reply = pb.CreateMovementsResponse()
        add_answers(reply.answers, results, "result", _result_fields)
        await stream.send_message(reply)

    async def _movement(self, movement: pb.Movement) -> Result | DomainError:
        # A task of its own (gather): the request id set here is this movement's alone.
        request_id_var.set(movement.request_id)
        kind = movement.WhichOneof("request")
        if kind == "transfer":
            return await carry_out(SERVICE, "transfer", self._transfer(movement))
        if kind == "deposit":
            return await carry_out(SERVICE, "deposit", self._deposit(movement))
        return InvalidArgument.for_field("request", "is neither a transfer nor a deposit")

    async def _transfer(self, movement: pb.Movement) -> Result:
        transfer = movement.transfer
        return await service.create_transfer(
            self.saga,
            caller=caller_of(movement),
            sender_account=transfer.sender_account,
            receiver_account=transfer.receiver_account,
            amount=transfer.amount.amount_minor,
            currency=transfer.amount.currency,
            idempotency_key=transfer.idempotency_key,
        )

    async def _deposit(self, movement: pb.Movement) -> Result:
        deposit = movement.deposit
        return await service.create_deposit(
            self.saga,
            caller=caller_of(movement),
            account_number=deposit.account_number,
            amount=deposit.amount.amount_minor,
            currency=deposit.amount.currency,
            idempotency_key=deposit.idempotency_key,
            allow_test_deposits=self.allow_test_deposits,
            client_reference=deposit.client_reference or None,
        )

    async def GetTransaction(
        self, stream: Stream[pb.GetTransactionRequest, pb.Transaction]
    ) -> None:
        request = await receive(stream)
        found = await service.get_transaction(
            self.saga.repo, caller=caller_of(request), transaction_id=request.id
        )
        await stream.send_message(pb.Transaction(**transaction_fields(found)))

    async def GetRecentTransactions(
        self,
        stream: Stream[pb.GetRecentTransactionsRequest, pb.GetRecentTransactionsResponse],
    ) -> None:
        request = await receive(stream)
        results = await service.recent_transactions(
            self.saga, [_history_query(q) for q in request.queries]
        )
        reply = pb.GetRecentTransactionsResponse()
        add_answers(reply.answers, results, "recent", _recent_fields)
        await stream.send_message(reply)

    async def ListTransactions(
        self, stream: Stream[pb.ListTransactionsRequest, pb.ListTransactionsResponse]
    ) -> None:
        request = await receive(stream)
        limit, after = page_requested(request.page)
        page = await service.list_transactions(
            self.saga,
            caller=caller_of(request),
            account_number=request.account_number,
            limit=limit,
            after=after,
        )
        # Built in place, transaction by transaction: one built apart is copied.
        reply = pb.ListTransactionsResponse(
            page={"has_more": page.has_more, "next_after": page.next_after}
        )
        for transaction in page.items:
            reply.transactions.add(**transaction_fields(transaction))
        await stream.send_message(reply)
