"""The transaction service as the routes see it: movements (grouped, each with an
idempotency key, tried again while the service is unavailable), one transaction, a
wallet's transactions and their recent history (grouped)."""

import uuid

from grpclib.client import Channel

from tekana.transaction.v1 import transaction_grpc
from tekana.transaction.v1 import transaction_pb2 as transaction_pb
from tekana_common.context import Caller, request_id_var
from tekana_common.grpc_client import caller_fields
from tekana_gateway.grouped import GroupedCalls
from tekana_gateway.paging import Page
from tekana_gateway.retries import again_if_unavailable, read


class Transactions:
    def __init__(self, channel: Channel, timeout: float | None) -> None:
        self._stub = transaction_grpc.TransactionServiceStub(channel)
        self._timeout = timeout
        self._movements = GroupedCalls(self._create_movements, _result, name="movements")
        self._histories = GroupedCalls(self._get_recent, _recent, name="histories")

    async def transfer(
        self,
        caller: Caller,
        *,
        sender: str,
        receiver: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
    ) -> transaction_pb.TransactionResult:
        """Money from the caller's wallet ``sender`` to ``receiver`` (grouped)."""
        transfer = {
            "sender_account": sender,
            "receiver_account": receiver,
            "amount": {"amount_minor": amount_minor, "currency": currency},
            "idempotency_key": idempotency_key or _own_key(),
        }
        movement = transaction_pb.Movement(
            caller=caller_fields(caller), request_id=request_id_var.get(), transfer=transfer
        )
        return await self._movements.submit(movement)

    async def deposit(
        self,
        caller: Caller,
        *,
        account_number: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        client_reference: int = 0,
    ) -> transaction_pb.TransactionResult:
        """Money into ``account_number`` from the currency's funding wallet (grouped);
        ``client_reference``: a legacy client's integer id for it."""
        deposit = {
            "account_number": account_number,
            "amount": {"amount_minor": amount_minor, "currency": currency},
            "idempotency_key": idempotency_key or _own_key(),
            "client_reference": client_reference,
        }
        movement = transaction_pb.Movement(
            caller=caller_fields(caller), request_id=request_id_var.get(), deposit=deposit
        )
        return await self._movements.submit(movement)

    async def transaction(self, caller: Caller, transaction_id: str) -> transaction_pb.Transaction:
        request = transaction_pb.GetTransactionRequest(
            caller=caller_fields(caller), id=transaction_id
        )
        return await read(lambda: self._stub.GetTransaction(request, timeout=self._timeout))

    async def transactions(
        self, caller: Caller, account_number: str, page: Page
    ) -> transaction_pb.ListTransactionsResponse:
        request = transaction_pb.ListTransactionsRequest(
            caller=caller_fields(caller),
            account_number=account_number,
            page={"limit": page.limit, "after": page.after},
        )
        return await read(lambda: self._stub.ListTransactions(request, timeout=self._timeout))

    async def recent(
        self, caller: Caller, account_number: str, *, limit: int
    ) -> transaction_pb.RecentTransactions:
        """A wallet's latest ``limit`` transactions in columns (grouped)."""
        query = transaction_pb.RecentTransactionsQuery(
            caller=caller_fields(caller), account_number=account_number, limit=limit
        )
        return await self._histories.submit(query)

    async def _create_movements(
        self, movements: list[transaction_pb.Movement]
    ) -> list[transaction_pb.MovementAnswer]:
        request = transaction_pb.CreateMovementsRequest(movements=movements)
        call = self._stub.CreateMovements
        reply, retried = await again_if_unavailable(lambda: call(request, timeout=self._timeout))
        if retried:
            # An earlier try may have been carried out: its replay is this request's own
            # answer, not a repeat of an earlier request.
            for answer in reply.answers:
                if answer.HasField("result"):
                    answer.result.replayed = False
        return list(reply.answers)

    async def _get_recent(
        self, queries: list[transaction_pb.RecentTransactionsQuery]
    ) -> list[transaction_pb.RecentTransactionsAnswer]:
        request = transaction_pb.GetRecentTransactionsRequest(queries=queries)
        call = self._stub.GetRecentTransactions
        return list((await read(lambda: call(request, timeout=self._timeout))).answers)


def _own_key() -> str:
    """A movement the client sent without a key gets one of the gateway's, unique to it: a
    try again after an unavailable service then cannot move the money twice."""
    return f"gateway-{uuid.uuid4().hex}"


def _result(answer: transaction_pb.MovementAnswer) -> transaction_pb.TransactionResult:
    return answer.result


def _recent(answer: transaction_pb.RecentTransactionsAnswer) -> transaction_pb.RecentTransactions:
    return answer.recent
