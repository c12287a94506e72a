"""Reads of many requests in one call.

A legacy wallet page or history read costs one gRPC call, and a call's transport (HTTP/2
framing and headers in pure Python, ~0.24 ms of CPU on each side) was half of what such a
read cost. Reads made during one turn of the event loop now leave together as one call
(``tekana_common.batching``), each query naming its reader, and the service answers all of
them with one statement (decision 0019).
"""

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from betterproto2.grpclib.grpclib_client import ServiceStub
from google.protobuf.message import Message

from tekana_common import upb
from tekana_common.batching import Batcher
from tekana_common.context import caller_var, request_id_var
from tekana_common.grpc import answer_failure

Query = TypeVar("Query", bound=Message)
Result = TypeVar("Result", bound=Message)

# Calls in flight at once: a read need not wait for the call before it, and each call still
# carries whatever queued while the others were out.
IN_FLIGHT = 16


class Answer(Protocol):
    """One query's answer in a grouped reply: a result, or ``status`` and ``error``."""

    @property
    def status(self) -> int: ...
    @property
    def error(self) -> Any: ...


class GroupedReads(Generic[Query, Result]):
    def __init__(
        self,
        stub: ServiceStub,
        rpc: upb.UpbRpc[Any],
        *,
        request: Callable[[list[Query]], Message],
        result: Callable[[Any], Result],
        name: str,
    ) -> None:
        """``request`` makes the call's request of its queries; ``result`` picks a successful
        answer's result."""
        self._stub = stub
        self._rpc = rpc
        self._request = request
        self._result = result
        self._batcher: Batcher[Query, Result] = Batcher(
            self._call, name=name, max_in_flight=IN_FLIGHT
        )

    async def read(self, query: Query) -> Result:
        """The query's result, or as a ``GRPCError`` the error its own call would have met."""
        return await self._batcher.submit(query)

    async def _call(self, queries: list[Query]) -> list[Result | Exception]:
        # The call speaks for every reader in it: its metadata names none of them (it would
        # otherwise carry the first reader's, copied with the context it was started from).
        caller_var.set(None)
        request_id_var.set("")
        reply = await upb.call(self._stub, self._rpc, self._request(queries))
        answers: list[Answer] = list(reply.answers)
        return [answer_failure(a.status, a.error) if a.status else self._result(a) for a in answers]
