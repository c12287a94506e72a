"""Group commit for the request path: many concurrent callers' writes as one statement.

Each caller submits one item and awaits its own result. While a batch is with the database,
newcomers queue; when a slot frees, everything queued leaves together. An item that finds
the batcher idle leaves at the end of the event loop's current turn, with every item
submitted in that turn: no timer, and under light load a lone item waits only for the turn
to end. Under load this matters: the callers one batch answers all wake in the same turn,
and they now go on to the next stage as one batch. Leaving at once, the first of them went
alone and the rest waited a whole round trip for it (many wallet applies carried a single
transfer). Under heavy load batches grow by themselves, and the per-statement costs
(a round trip, a commit) are shared.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from tekana_common import metrics

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(
        self,
        run: Callable[[list[T]], Awaitable[Sequence[R | Exception]]],
        *,
        name: str,
        max_size: int = 64,
        max_in_flight: int = 1,
    ) -> None:
        """``run`` takes a batch and answers one result per item, in order; an exception in
        that list is raised to that item's caller alone, one raised by ``run`` to all."""
        self._run = run
        self._max_size = max_size
        self._max_in_flight = max_in_flight
        self._queued: list[tuple[T, asyncio.Future[R]]] = []
        self._oldest = 0.0  # when the first item still queued arrived
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sizes = metrics.BATCH_SIZE.labels(name)
        self._waits = metrics.BATCH_WAIT.labels(name)
        self._durations = metrics.BATCH_SECONDS.labels(name)

    async def submit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[R] = loop.create_future()
        if not self._queued:
            self._oldest = time.perf_counter()
            if len(self._in_flight) < self._max_in_flight:
                loop.call_soon(self._dispatch)
            # else: the batch in flight dispatches the queue when it ends (``_finished``).
        self._queued.append((item, done))
        return await done

    def _dispatch(self) -> None:
        while self._queued and len(self._in_flight) < self._max_in_flight:
            batch = self._queued[: self._max_size]
            del self._queued[: self._max_size]
            now = time.perf_counter()
            self._waits.observe(now - self._oldest)
            # Items left behind by a full batch have waited since before now; counting them
            # from now only understates the next batch's wait.
            self._oldest = now
            task = asyncio.get_running_loop().create_task(self._send(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._dispatch()

    async def _send(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        self._sizes.observe(len(batch))
        started = time.perf_counter()
        try:
            results = await self._run([item for item, _ in batch])
            self._durations.observe(time.perf_counter() - started)
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} got {len(results)} results")
        except BaseException as exc:  # every waiter learns of it, cancellation included
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, done), result in zip(batch, results, strict=True):
            if done.done():
                continue
            if isinstance(result, Exception):
                done.set_exception(result)
            else:
                done.set_result(result)
