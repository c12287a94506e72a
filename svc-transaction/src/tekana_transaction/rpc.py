"""gRPC edge of the transaction service: protobuf in, one use-case, protobuf out."""

from dataclasses import dataclass

from tekana_common import paging
from tekana_common.context import current_caller
from tekana_protos.tekana.common.v1 import Money, PageInfo
from tekana_protos.tekana.transaction import v1 as pb
from tekana_transaction import service
from tekana_transaction.domain import Kind, Result, Status, Transaction

KIND_TO_PB = {Kind.TRANSFER: pb.Kind.TRANSFER, Kind.DEPOSIT: pb.Kind.DEPOSIT}
STATUS_TO_PB = {
    Status.PENDING: pb.Status.PENDING,
    Status.COMPLETED: pb.Status.COMPLETED,
    Status.FAILED: pb.Status.FAILED,
}


def transaction_to_pb(transaction: Transaction) -> pb.Transaction:
    completed = transaction.completed_at
    return pb.Transaction(
        id=transaction.id,
        kind=KIND_TO_PB[transaction.kind],
        sender_account=transaction.sender_account,
        receiver_account=transaction.receiver_account,
        amount=Money(amount_minor=transaction.amount, currency=transaction.currency),
        status=STATUS_TO_PB[transaction.status],
        failure_code=transaction.failure_code or "",
        initiator_id=transaction.initiator_id,
        created_at_us=int(transaction.created_at.timestamp() * 1_000_000),
        completed_at_us=int(completed.timestamp() * 1_000_000) if completed else 0,
    )


def result_to_pb(result: Result) -> pb.TransactionResult:
    return pb.TransactionResult(
        transaction=transaction_to_pb(result.transaction), replayed=result.replayed
    )


@dataclass(eq=False)
class TransactionServicer(pb.TransactionServiceBase):
    saga: service.Saga
    allow_test_deposits: bool

    async def create_transfer(self, message: pb.CreateTransferRequest) -> pb.TransactionResult:
        amount = message.amount or Money()
        result = await service.create_transfer(
            self.saga,
            caller=current_caller(),
            sender_account=message.sender_account,
            receiver_account=message.receiver_account,
            amount=amount.amount_minor,
            currency=amount.currency,
            idempotency_key=message.idempotency_key,
        )
        return result_to_pb(result)

    async def create_deposit(self, message: pb.CreateDepositRequest) -> pb.TransactionResult:
        amount = message.amount or Money()
        result = await service.create_deposit(
            self.saga,
            caller=current_caller(),
            account_number=message.account_number,
            amount=amount.amount_minor,
            currency=amount.currency,
            idempotency_key=message.idempotency_key,
            allow_test_deposits=self.allow_test_deposits,
        )
        return result_to_pb(result)

    async def get_transaction(self, message: pb.GetTransactionRequest) -> pb.Transaction:
        found = await service.get_transaction(
            self.saga.repo, caller=current_caller(), transaction_id=message.id
        )
        return transaction_to_pb(found)

    async def list_transactions(
        self, message: pb.ListTransactionsRequest
    ) -> pb.ListTransactionsResponse:
        limit, after = paging.requested(message.page)
        page = await service.list_transactions(
            self.saga,
            caller=current_caller(),
            account_number=message.account_number,
            limit=limit,
            after=after,
        )
        return pb.ListTransactionsResponse(
            transactions=[transaction_to_pb(t) for t in page.items],
            page=PageInfo(has_more=page.has_more, next_after=page.next_after),
        )
