"""A call tried again, on the next replica, when the one it reached was unavailable (stopping,
restarting, its connection broken). Only for calls that are safe to repeat: reads, and
writes that carry an idempotency key (every movement does: see ``upstream``)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError

T = TypeVar("T")

# Pauses between tries: a drained replica leaves its callers' balancers within seconds, a
# restarted one is back within a few.
PAUSES_SECONDS = (0.05, 0.2, 0.5, 1.0, 2.0)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the service could not be reached or stopped mid-call (its
    outcome unknown), rather than that it answered."""
    if isinstance(exc, GRPCError):
        return exc.status is Status.UNAVAILABLE
    return isinstance(exc, StreamTerminatedError | ConnectionError)


async def again_if_unavailable(call: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
    """``call()``'s answer, tried again after each pause while it is unavailable; and
    whether it took more than one try (an earlier one may have been carried out)."""
    for tries, pause in enumerate(PAUSES_SECONDS):
        try:
            return await call(), tries > 0
        except (GRPCError, StreamTerminatedError, ConnectionError) as exc:
            if not unavailable(exc):
                raise
        await asyncio.sleep(pause)
    return await call(), True


async def read(call: Callable[[], Awaitable[T]]) -> T:
    """A read's answer, tried again while unavailable."""
    answer, _ = await again_if_unavailable(call)
    return answer
