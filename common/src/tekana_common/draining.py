"""How a process stops without failing a call. Told to stop (SIGTERM, SIGINT), it says it
is no longer ready (its readiness turns false, so it leaves its Service's endpoints and
callers' balancers) but goes on serving for ``drain_seconds``, while callers move away;
then it waits for the calls it is carrying out, and only then closes. grpclib's own close
cancels calls in flight: a transfer cancelled after its commit was answered as an error."""

import asyncio
import signal
from collections.abc import Callable

from tekana_common.logging import get_logger

log = get_logger(__name__)


class Calls:
    """The calls a server is carrying out now."""

    def __init__(self) -> None:
        self.running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def started(self) -> None:
        self.running += 1
        self._idle.clear()

    def finished(self) -> None:
        self.running -= 1
        if self.running == 0:
            self._idle.set()

    async def idle(self) -> None:
        await self._idle.wait()


class Drain:
    """A process's stop: ``requested`` once a signal came, ``draining`` from then on."""

    def __init__(self, *, seconds: float, grace_seconds: float = 25.0) -> None:
        self.seconds = seconds
        self.grace_seconds = grace_seconds
        self.draining = False
        self._requested = asyncio.Event()
        self._when_asked: list[Callable[[], None]] = []

    def on_request(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` the moment a stop is asked for (readiness off, say)."""
        self._when_asked.append(callback)

    def install(self) -> None:
        """Take SIGTERM and SIGINT: each asks for the stop (a second is not needed)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request)

    def request(self) -> None:
        if self.draining:
            return
        self.draining = True
        for callback in self._when_asked:
            callback()
        self._requested.set()

    async def wait(self, *, name: str, calls: Calls | None = None) -> None:
        """Return once a stop was asked for, the drain time has passed, and ``calls`` are
        done (or the grace time is up: the orchestrator kills the process then anyway)."""
        await self._requested.wait()
        log.info("draining", process=name, seconds=self.seconds)
        await asyncio.sleep(self.seconds)
        if calls is not None:
            try:
                await asyncio.wait_for(calls.idle(), timeout=self.grace_seconds)
            except TimeoutError:
                log.warning("drain_timeout", process=name, running=calls.running)
        log.info("drained", process=name)
