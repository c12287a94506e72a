"""gRPC edge of the transaction service: protobuf in, one use-case, protobuf out."""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from grpclib.const import Handler

from tekana.common.v1 import page_pb2
from tekana.transaction.v1 import transaction_pb2
from tekana_common import paging, tracing, upb
from tekana_common.context import Caller, caller_var, current_caller, request_id_var
from tekana_common.errors import DomainError, InvalidArgument
from tekana_common.grpc import add_answers, count_as_call, settle
from tekana_protos.tekana.common.v1 import Money
from tekana_protos.tekana.transaction import v1 as pb
from tekana_transaction import service
from tekana_transaction.domain import (
    HistoryQuery,
    Kind,
    RecentTransactions,
    Result,
    Status,
    Transaction,
)

KIND_TO_PB = {Kind.TRANSFER: pb.Kind.TRANSFER, Kind.DEPOSIT: pb.Kind.DEPOSIT}
STATUS_TO_PB = {
    Status.PENDING: pb.Status.PENDING,
    Status.COMPLETED: pb.Status.COMPLETED,
    Status.FAILED: pb.Status.FAILED,
}

STATUS_TO_UPB = {
    Status.PENDING: transaction_pb2.STATUS_PENDING,
    Status.COMPLETED: transaction_pb2.STATUS_COMPLETED,
    Status.FAILED: transaction_pb2.STATUS_FAILED,
}


def _fields(transaction: Transaction) -> dict[str, Any]:
    # One field mapping, amount aside, for both message classes: betterproto2 (single
    # results) and upb (pages); their constructors take the same keywords.
    completed = transaction.completed_at
    return {
        "id": transaction.id,
        "kind": KIND_TO_PB[transaction.kind],
        "sender_account": transaction.sender_account,
        "receiver_account": transaction.receiver_account,
        "status": STATUS_TO_PB[transaction.status],
        "failure_code": transaction.failure_code or "",
        "initiator_id": transaction.initiator_id,
        "created_at_us": int(transaction.created_at.timestamp() * 1_000_000),
        "completed_at_us": int(completed.timestamp() * 1_000_000) if completed else 0,
    }


def transaction_to_pb(transaction: Transaction) -> pb.Transaction:
    amount = Money(amount_minor=transaction.amount, currency=transaction.currency)
    return pb.Transaction(**_fields(transaction), amount=amount)


def _history_query(query: transaction_pb2.RecentTransactionsQuery) -> HistoryQuery:
    reader = Caller.named(query.customer_id, admin=query.admin)
    return HistoryQuery(query.account_number, query.limit, reader)


def add_transaction(
    page: transaction_pb2.ListTransactionsResponse, transaction: Transaction
) -> None:
    message = page.transactions.add(**_fields(transaction))
    upb.set_money(message.amount, transaction.amount, transaction.currency)


def result_to_upb(result: Result) -> transaction_pb2.TransactionResult:
    return transaction_pb2.TransactionResult(**_result_fields(result))


def _result_fields(result: Result) -> dict[str, Any]:
    transaction = result.transaction
    fields = _fields(transaction)
    # upb builds nested messages from dicts in place (a message passed in would be copied).
    fields["amount"] = {"amount_minor": transaction.amount, "currency": transaction.currency}
    return {"transaction": fields, "replayed": result.replayed}


def _recent_fields(recent: RecentTransactions) -> dict[str, Any]:
    return {
        "ids": recent.ids,
        "sender_accounts": recent.sender_accounts,
        "receiver_accounts": recent.receiver_accounts,
        "amounts_minor": recent.amounts,
        "currencies": recent.currencies,
        "statuses": [STATUS_TO_UPB[s] for s in recent.statuses],
        "created_at_us": recent.created_at_us,
    }


# Movements in one CreateMovements call.
MOVEMENTS_MAX = 256


@dataclass(eq=False)
class TransactionServicer(pb.TransactionServiceBase):
    saga: service.Saga
    allow_test_deposits: bool

    def __mapping__(self) -> dict[str, Handler]:
        return upb.with_upb(
            super().__mapping__(),
            {
                upb.CREATE_TRANSFER: self.transfer,
                upb.CREATE_DEPOSIT: self.deposit,
                upb.CREATE_MOVEMENTS: self.movements,
                upb.LIST_TRANSACTIONS: self.transactions_page,
                upb.GET_RECENT_TRANSACTIONS: self.recent,
            },
        )

    async def transfer(
        self, message: transaction_pb2.CreateTransferRequest
    ) -> transaction_pb2.TransactionResult:
        """CreateTransfer, in upb classes both ways."""
        return result_to_upb(await self._transfer(message))

    async def deposit(
        self, message: transaction_pb2.CreateDepositRequest
    ) -> transaction_pb2.TransactionResult:
        """CreateDeposit, in upb classes both ways."""
        return result_to_upb(await self._deposit(message))

    async def movements(
        self, message: transaction_pb2.CreateMovementsRequest
    ) -> transaction_pb2.CreateMovementsResponse:
        """CreateMovements, in upb classes both ways (every transfer's and deposit's path from
        the gateway): each movement in a task of its own, as its caller."""
        if len(message.movements) > MOVEMENTS_MAX:
            raise InvalidArgument.for_field("movements", f"at most {MOVEMENTS_MAX} in one call")
        results = await asyncio.gather(*(self._movement(m) for m in message.movements))
        reply = transaction_pb2.CreateMovementsResponse()
        add_answers(reply.answers, results, "result", _result_fields)
        return reply

    async def _movement(self, movement: transaction_pb2.Movement) -> Result | DomainError:
        # A task of its own (gather): what it sets here is this movement's alone.
        caller_var.set(Caller.named(movement.customer_id, admin=movement.admin))
        request_id_var.set(movement.request_id)
        kind = movement.WhichOneof("request")
        if kind == "transfer":
            name, pending = upb.CREATE_TRANSFER.route, self._transfer(movement.transfer)
        elif kind == "deposit":
            name, pending = upb.CREATE_DEPOSIT.route, self._deposit(movement.deposit)
        else:
            return InvalidArgument.for_field("request", "is neither a transfer nor a deposit")
        # A span per movement, and its count in the RPC metrics, named and failed as a call of
        # its own would have been (the dashboards look for these names).
        started = time.perf_counter()
        with tracing.span(name) as span:
            result = await settle(pending)
            if isinstance(result, DomainError):
                tracing.mark_failed(span, result, result.code)
        count_as_call(name, result, started)
        return result

    async def _transfer(self, message: transaction_pb2.CreateTransferRequest) -> Result:
        amount = message.amount
        return await service.create_transfer(
            self.saga,
            caller=current_caller(),
            sender_account=message.sender_account,
            receiver_account=message.receiver_account,
            amount=amount.amount_minor,
            currency=amount.currency,
            idempotency_key=message.idempotency_key,
        )

    async def _deposit(self, message: transaction_pb2.CreateDepositRequest) -> Result:
        amount = message.amount
        return await service.create_deposit(
            self.saga,
            caller=current_caller(),
            account_number=message.account_number,
            amount=amount.amount_minor,
            currency=amount.currency,
            idempotency_key=message.idempotency_key,
            allow_test_deposits=self.allow_test_deposits,
        )

    async def get_transaction(self, message: pb.GetTransactionRequest) -> pb.Transaction:
        found = await service.get_transaction(
            self.saga.repo, caller=current_caller(), transaction_id=message.id
        )
        return transaction_to_pb(found)

    async def recent(
        self, message: transaction_pb2.GetRecentTransactionsRequest
    ) -> transaction_pb2.GetRecentTransactionsResponse:
        """GetRecentTransactions, in upb classes both ways: the columns go in as whole lists."""
        results = await service.recent_transactions(
            self.saga, [_history_query(q) for q in message.queries]
        )
        reply = transaction_pb2.GetRecentTransactionsResponse()
        add_answers(reply.answers, results, "recent", _recent_fields)
        return reply

    async def transactions_page(
        self, message: pb.ListTransactionsRequest
    ) -> transaction_pb2.ListTransactionsResponse:
        """ListTransactions, answered in the upb class (a page is up to 100 transactions)."""
        limit, after = paging.requested(message.page)
        page = await service.list_transactions(
            self.saga,
            caller=current_caller(),
            account_number=message.account_number,
            limit=limit,
            after=after,
        )
        reply = transaction_pb2.ListTransactionsResponse(
            page=page_pb2.PageInfo(has_more=page.has_more, next_after=page.next_after)
        )
        for transaction in page.items:
            add_transaction(reply, transaction)
        return reply
