"""Many requests' calls to a service as one call.

A gRPC call's transport (HTTP/2 framing and headers in pure Python) costs as much CPU on
each side as a whole legacy wallet page, so calls made during one turn of the event loop
leave together as one (``tekana_common.batching``), each item naming its caller; the
service answers every item as a call of its own would have been answered (decision 0019).
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, Protocol, TypeVar

from tekana.common.v1.error_pb2 import ErrorDetail
from tekana_common.batching import Batcher
from tekana_common.context import request_id_var
from tekana_common.grpc_errors import answer_error

Item = TypeVar("Item")
Result = TypeVar("Result")
Answer = TypeVar("Answer", bound="_Answer")

# Calls in flight at once: an item need not wait for the call before it, and each call still
# carries whatever queued while the others were out.
IN_FLIGHT = 16


class _Answer(Protocol):
    """One item's answer in a grouped reply: a result, or ``status`` and ``error``."""

    @property
    def status(self) -> int: ...
    @property
    def error(self) -> ErrorDetail: ...


class GroupedCalls(Generic[Item, Answer, Result]):
    def __init__(
        self,
        call: Callable[[list[Item]], Awaitable[Sequence[Answer]]],
        result: Callable[[Answer], Result],
        *,
        name: str,
    ) -> None:
        """``call`` sends one call of the items and returns its answers, in order;
        ``result`` picks a successful answer's result."""
        self._call = call
        self._result = result
        self._batcher: Batcher[Item, Result] = Batcher(
            self._send, name=name, max_in_flight=IN_FLIGHT
        )

    async def submit(self, item: Item) -> Result:
        """The item's result, or as a ``GRPCError`` the error its own call would have met."""
        return await self._batcher.submit(item)

    async def _send(self, items: list[Item]) -> list[Result | Exception]:
        # The call speaks for every request in it: each item carries its own request id.
        request_id_var.set("")
        answers = await self._call(items)
        return [answer_error(a.status, a.error) if a.status else self._result(a) for a in answers]
