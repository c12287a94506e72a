"""argon2id password hashing, run on worker threads so the event loop never blocks.

The threads run at a lower CPU priority, so a storm of logins slows logins, not everyone
else's requests. There are as many as the memory allowed for hashing holds (each hash takes
``MEMORY_KIB``), not as many as the cores: in a container the cores a process sees are the
node's, its memory limit is its own. Beyond ``queue_max`` waiting hashes, logins are shed.
"""

import asyncio
import os
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from prometheus_client import Gauge

from tekana_common.errors import Unavailable
from tekana_common.logging import get_logger
from tekana_common.tracing import span

log = get_logger(__name__)

# Hashes waiting for or running on a worker thread: above the worker count, logins queue.
ARGON2_QUEUE = Gauge("tekana_argon2_queue_length", "argon2id hashes queued or running")

# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
MEMORY_KIB = 19 * 1024
TIME_COST = 2
# More threads than this would only queue in the kernel instead of here.
WORKERS_MAX = 64

CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),  # cgroup v2
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
)


class Hasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def burn(self, password: str) -> None:
        """Spend a verification's time without a hash, so unknown e-mails are not faster."""


class HashingBusy(Unavailable):
    def __init__(self) -> None:
        super().__init__("login_busy", "Too many logins at once, try again shortly")


def memory_limit_bytes(limits: tuple[Path, ...] = CGROUP_LIMITS) -> int:
    """This process's memory limit: its cgroup's, else the machine's memory."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in limits:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        # "max" (v2), or a number beyond the machine (v1's way of saying none): no limit.
        if text.isdigit() and int(text) < physical:
            return int(text)
    return physical


def workers_for(memory_bytes: int, share: float) -> int:
    """Hash threads that ``share`` of ``memory_bytes`` holds, from 1 to ``WORKERS_MAX``."""
    return max(1, min(WORKERS_MAX, int(memory_bytes * share) // (MEMORY_KIB * 1024)))


class Argon2Hasher:
    """argon2-cffi releases the GIL while hashing, so ``workers`` threads use as many cores
    (where there are that many), each ``nice`` steps below the process's priority."""

    def __init__(
        self,
        *,
        workers: int,
        memory_kib: int = MEMORY_KIB,
        time_cost: int = TIME_COST,
        nice: int = 0,
        queue_max: int | None = None,
    ):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="argon2", initializer=_lower, initargs=(nice,)
        )
        self._queue_max = queue_max
        self._in_flight = 0
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        with span("argon2id.hash"), self._admitted():
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self._hasher.hash, password
            )

    async def verify(self, password_hash: str, password: str) -> bool:
        with span("argon2id.verify"), self._admitted():
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self._verify_sync, password_hash, password
            )

    async def burn(self, password: str) -> None:
        await self.verify(self._decoy, password)

    @contextmanager
    def _admitted(self) -> Iterator[None]:
        if self._queue_max is not None and self._in_flight >= self._queue_max:
            raise HashingBusy
        self._in_flight += 1
        try:
            with ARGON2_QUEUE.track_inprogress():
                yield
        finally:
            self._in_flight -= 1

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _lower(nice: int) -> None:
    """Thread initializer: this worker runs ``nice`` steps below the process (Linux sets a
    thread's priority by its thread id)."""
    if not nice:
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
    except OSError as exc:
        log.warning("argon2_priority_unchanged", error=str(exc))
