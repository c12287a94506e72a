"""Replies in protoc's own message classes (the upb C runtime) for RPCs that return long lists.

betterproto2 encodes and decodes in Python: a 100-entry ledger page cost ~4 ms to encode
and ~6 ms to decode, against ~0.03 ms each in upb (decision 0017). Both packages are
generated from the same .proto files, so the bytes on the wire are the same: a service may
answer one RPC with a ``tekana`` (upb) class while its callers decode it with either.
Requests stay betterproto2 messages; only the named replies change class.

- A servicer overrides ``__mapping__`` with ``with_upb_replies`` to serve them;
- a caller reads them with ``call``, which goes through the generated stub (its channel,
  timeout and metadata) with the upb reply class.
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
from tekana.transaction.v1 import transaction_pb2
from tekana.wallet.v1 import wallet_pb2

Reply = TypeVar("Reply", bound=Message)


@dataclass(frozen=True)
class UpbReply(Generic[Reply]):
    """One unary RPC whose reply travels in a upb class."""

    route: str  # "/package.Service/Method", as grpclib names it
    reply_type: type[Reply]


def upb_reply(service: ServiceDescriptor, method: str, reply_type: type[Reply]) -> UpbReply[Reply]:
    """The RPC ``method`` of ``service``, checked to return ``reply_type``."""
    descriptor = service.methods_by_name[method]
    if descriptor.output_type is not reply_type.DESCRIPTOR:
        raise TypeError(
            f"{service.full_name}.{method} returns {descriptor.output_type.full_name}, "
            f"not {reply_type.DESCRIPTOR.full_name}"
        )
    return UpbReply(f"/{service.full_name}/{method}", reply_type)


def with_upb_replies(
    mapping: dict[str, Handler],
    replies: Mapping[UpbReply[Any], Callable[[Any], Awaitable[Message]]],
) -> dict[str, Handler]:
    """``mapping`` (a generated servicer's) with each named RPC served by its function,
    which takes the usual betterproto2 request and returns the upb reply."""
    served = dict(mapping)
    for rpc, serve in replies.items():
        generated = mapping[rpc.route]
        if generated.cardinality is not Cardinality.UNARY_UNARY:
            raise TypeError(f"{rpc.route} is not unary")
        served[rpc.route] = Handler(
            _unary(serve), Cardinality.UNARY_UNARY, generated.request_type, rpc.reply_type
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


async def call(stub: ServiceStub, rpc: UpbReply[Reply], request: betterproto2.Message) -> Reply:
    """Call ``rpc`` through ``stub`` and decode its reply with upb."""
    # The generated stubs' own helper: it applies the stub's timeout and metadata. Its type
    # variable is bound to betterproto2 messages, though grpclib needs only FromString.
    return await stub._unary_unary(rpc.route, request, rpc.reply_type)  # type: ignore[type-var]


# The RPCs answered in upb classes: the two that return pages of up to 100 rows.
LIST_ENTRIES = upb_reply(
    wallet_pb2.DESCRIPTOR.services_by_name["WalletService"],
    "ListEntries",
    wallet_pb2.ListEntriesResponse,
)
LIST_TRANSACTIONS = upb_reply(
    transaction_pb2.DESCRIPTOR.services_by_name["TransactionService"],
    "ListTransactions",
    transaction_pb2.ListTransactionsResponse,
)
