"""Messages in protoc's own classes (the upb C runtime) for the busiest RPCs.

betterproto2 encodes and decodes in Python: a 100-entry ledger page cost ~4 ms to encode
and ~6 ms to decode, against ~0.03 ms each in upb, and on a transfer's path its codec was
~10 % of each process's CPU (decision 0017). Both packages are generated from the same
.proto files, so the bytes on the wire are the same: a service may answer an RPC in a
``tekana`` (upb) class while its callers use either, and the other way round.

- A servicer overrides ``__mapping__`` with ``with_upb`` to serve the named RPCs: their
  replies in upb classes, and their requests too where the RPC says so;
- a caller uses ``call``, which goes through the generated stub (its channel, timeout and
  metadata) with the upb reply class and either class of request.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import betterproto2
from betterproto2.grpclib.grpclib_client import ServiceStub
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import Message
from grpclib.const import Cardinality, Handler
from grpclib.server import Stream

from tekana.common.v1 import money_pb2
from tekana.customer.v1 import customer_pb2
from tekana.transaction.v1 import transaction_pb2
from tekana.wallet.v1 import wallet_pb2

Reply = TypeVar("Reply", bound=Message)


@dataclass(frozen=True)
class UpbRpc(Generic[Reply]):
    """One unary RPC whose reply travels in a upb class, and its request too unless
    ``request_type`` is None (then a servicer receives the betterproto2 request)."""

    route: str  # "/package.Service/Method", as grpclib names it
    reply_type: type[Reply]
    request_type: type[Message] | None


def upb_rpc(
    service: ServiceDescriptor,
    method: str,
    reply_type: type[Reply],
    request_type: type[Message] | None = None,
) -> UpbRpc[Reply]:
    """The RPC ``method`` of ``service``, checked to take ``request_type`` (when given) and
    to return ``reply_type``."""
    descriptor = service.methods_by_name[method]
    _check_type(service, method, "returns", descriptor.output_type, reply_type)
    if request_type is not None:
        _check_type(service, method, "takes", descriptor.input_type, request_type)
    return UpbRpc(f"/{service.full_name}/{method}", reply_type, request_type)


def _check_type(
    service: ServiceDescriptor, method: str, verb: str, declared: Any, given: type[Message]
) -> None:
    if declared is not given.DESCRIPTOR:
        raise TypeError(
            f"{service.full_name}.{method} {verb} {declared.full_name}, "
            f"not {given.DESCRIPTOR.full_name}"
        )


def with_upb(
    mapping: dict[str, Handler],
    rpcs: Mapping[UpbRpc[Any], Callable[[Any], Awaitable[Message]]],
) -> dict[str, Handler]:
    """``mapping`` (a generated servicer's) with each named RPC served by its function,
    which takes the request in the RPC's request class and returns the upb reply."""
    served = dict(mapping)
    for rpc, serve in rpcs.items():
        generated = mapping[rpc.route]
        if generated.cardinality is not Cardinality.UNARY_UNARY:
            raise TypeError(f"{rpc.route} is not unary")
        request_type = rpc.request_type or generated.request_type
        served[rpc.route] = Handler(
            _unary(serve), Cardinality.UNARY_UNARY, request_type, rpc.reply_type
        )
    return served


def _unary(
    serve: Callable[[Any], Awaitable[Message]],
) -> Callable[[Stream[Any, Any]], Awaitable[None]]:
    async def handle(stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        assert request is not None  # grpclib ends the call before a unary handler otherwise
        await stream.send_message(await serve(request))

    return handle


def set_money(target: money_pb2.Money, amount_minor: int, currency: str) -> None:
    """Fill a Money field in place. Messages of a page are built inside it (``add()``, then
    fields set): one built apart and handed over is copied, which doubled a page's cost."""
    target.amount_minor = amount_minor
    target.currency = currency


async def call(
    stub: ServiceStub, rpc: UpbRpc[Reply], request: betterproto2.Message | Message
) -> Reply:
    """Call ``rpc`` through ``stub`` and decode its reply with upb. The request may be of
    either class: grpclib encodes it with its own ``SerializeToString``."""
    # The generated stubs' own helper: it applies the stub's timeout and metadata. Its type
    # variable is bound to betterproto2 messages, though grpclib needs only FromString.
    return await stub._unary_unary(rpc.route, request, rpc.reply_type)  # type: ignore[type-var]


# The RPCs in upb classes: the two that return pages of up to 100 rows, the busiest read,
# and those on every money movement's path (requests too).
_CUSTOMERS = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
_TRANSACTIONS = transaction_pb2.DESCRIPTOR.services_by_name["TransactionService"]
_WALLETS = wallet_pb2.DESCRIPTOR.services_by_name["WalletService"]
GET_CUSTOMER = upb_rpc(_CUSTOMERS, "GetCustomer", customer_pb2.Customer)
LIST_ENTRIES = upb_rpc(_WALLETS, "ListEntries", wallet_pb2.ListEntriesResponse)
GET_WALLET_ACTIVITIES = upb_rpc(
    _WALLETS,
    "GetWalletActivities",
    wallet_pb2.GetWalletActivitiesResponse,
    wallet_pb2.GetWalletActivitiesRequest,
)
LIST_TRANSACTIONS = upb_rpc(
    _TRANSACTIONS, "ListTransactions", transaction_pb2.ListTransactionsResponse
)
GET_RECENT_TRANSACTIONS = upb_rpc(
    _TRANSACTIONS,
    "GetRecentTransactions",
    transaction_pb2.GetRecentTransactionsResponse,
    transaction_pb2.GetRecentTransactionsRequest,
)
CREATE_TRANSFER = upb_rpc(
    _TRANSACTIONS,
    "CreateTransfer",
    transaction_pb2.TransactionResult,
    transaction_pb2.CreateTransferRequest,
)
CREATE_DEPOSIT = upb_rpc(
    _TRANSACTIONS,
    "CreateDeposit",
    transaction_pb2.TransactionResult,
    transaction_pb2.CreateDepositRequest,
)
CREATE_MOVEMENTS = upb_rpc(
    _TRANSACTIONS,
    "CreateMovements",
    transaction_pb2.CreateMovementsResponse,
    transaction_pb2.CreateMovementsRequest,
)
APPLY_TRANSFER = upb_rpc(
    _WALLETS, "ApplyTransfer", wallet_pb2.TransferOutcome, wallet_pb2.ApplyTransferRequest
)
APPLY_TRANSFERS = upb_rpc(
    _WALLETS,
    "ApplyTransfers",
    wallet_pb2.ApplyTransfersResponse,
    wallet_pb2.ApplyTransfersRequest,
)
