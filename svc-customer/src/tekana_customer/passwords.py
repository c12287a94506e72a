"""argon2id password hashing, run on worker threads so the event loop never blocks.

The threads run at a lower CPU priority, so a storm of logins slows logins, not everyone
else's requests. There are as many as the memory allowed for hashing holds (each hash takes
``MEMORY_KIB``), and no more than the CPUs the process may use (its cgroup's quota, else its
affinity): never the node's core count, which in a container is not this process's. More
threads than CPUs would add memory and, together, outweigh the service's own threads in the
scheduler, without hashing any faster. Beyond ``queue_max`` waiting hashes, logins are shed.

Customers imported from the old system keep its bcrypt hash until their first login, which
verifies it and stores an argon2id hash instead. bcrypt and argon2id take different times,
so a failed login waits until the slower one's usual time has passed: how long a failure
takes tells nothing about the account.
"""

import asyncio
import os
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, Protocol

import bcrypt
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
# "idle": the threads run only when nothing else wants the CPU (SCHED_IDLE); a number:
# that many nice steps below the service.
Priority = Literal["idle"] | int
# More threads than this would only queue in the kernel instead of here.
WORKERS_MAX = 64

# The old system's hashes (bcryptjs): "$2a$", "$2b$" or "$2y$", cost, salt and hash.
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
# bcrypt reads at most this many bytes of a password; bcryptjs ignored the rest.
BCRYPT_MAX_BYTES = 72
# Weight of the newest verification in each scheme's running mean of durations.
DURATION_WEIGHT = 0.1

CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),  # cgroup v2
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
)
CGROUP_CPU = (
    Path("/sys/fs/cgroup/cpu.max"),  # cgroup v2: "<quota> <period>" or "max <period>"
    Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),  # cgroup v1, beside cpu.cfs_period_us
)


class Hasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def burn(self, password: str) -> None:
        """Spend a verification's time without a hash, so unknown e-mails are not faster."""

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether a hash that verified should be replaced by one of today's parameters."""


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


def cpu_limit(limits: tuple[Path, ...] = CGROUP_CPU) -> int:
    """The CPUs this process may use: its cgroup's quota (rounded up), else its affinity."""
    allowed = len(os.sched_getaffinity(0))
    v2, v1 = limits
    try:
        quota, period = v2.read_text().split()
    except (OSError, ValueError):
        try:
            quota = v1.read_text().strip()
            period = (v1.parent / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return allowed
    if not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return allowed  # "max", or v1's -1: no quota
    return max(1, min(allowed, -(-int(quota) // int(period))))


def workers_for(memory_bytes: int, share: float, cpus: int) -> int:
    """Hash threads that ``share`` of ``memory_bytes`` holds, at most ``cpus`` (and
    ``WORKERS_MAX``), at least one."""
    held = int(memory_bytes * share) // (MEMORY_KIB * 1024)
    return max(1, min(WORKERS_MAX, cpus, held))


class Argon2Hasher:
    """argon2-cffi releases the GIL while hashing, so ``workers`` threads use as many cores
    (where there are that many), each at ``priority`` (``_lower``)."""

    def __init__(
        self,
        *,
        workers: int,
        memory_kib: int = MEMORY_KIB,
        time_cost: int = TIME_COST,
        priority: "Priority" = 0,
        queue_max: int | None = None,
    ):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )
        self._pool = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="argon2",
            initializer=_lower,
            initargs=(priority,),
        )
        self._queue_max = queue_max
        self._in_flight = 0
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))
        # Running mean of a verification's duration, per scheme ("argon2id", "bcrypt").
        self._durations: dict[str, float] = {}

    async def hash(self, password: str) -> str:
        with span("argon2id.hash"), self._admitted():
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self._hasher.hash, password
            )

    async def verify(self, password_hash: str, password: str) -> bool:
        scheme = "bcrypt" if is_bcrypt(password_hash) else "argon2id"
        check = _verify_bcrypt if scheme == "bcrypt" else self._verify_sync
        started = time.perf_counter()
        with span(f"{scheme}.verify"), self._admitted():
            matched = await asyncio.get_running_loop().run_in_executor(
                self._pool, check, password_hash, password
            )
        took = time.perf_counter() - started
        mean = self._durations.get(scheme)
        self._durations[scheme] = took if mean is None else mean + DURATION_WEIGHT * (took - mean)
        if not matched:
            await asyncio.sleep(max(0.0, max(self._durations.values()) - took))
        return matched

    async def burn(self, password: str) -> None:
        await self.verify(self._decoy, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return is_bcrypt(password_hash) or self._hasher.check_needs_rehash(password_hash)

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


def is_bcrypt(password_hash: str) -> bool:
    return password_hash.startswith(BCRYPT_PREFIXES)


def _verify_bcrypt(password_hash: str, password: str) -> bool:
    # The bcrypt package refuses what bcryptjs silently cut at 72 bytes; cut it the same way.
    try:
        return bcrypt.checkpw(password.encode()[:BCRYPT_MAX_BYTES], password_hash.encode())
    except ValueError:  # a malformed hash matches nothing
        return False


def _lower(priority: Priority) -> None:
    """Thread initializer: this worker runs below the process (Linux sets a thread's
    scheduling by its thread id): under SCHED_IDLE, or ``priority`` nice steps lower."""
    tid = threading.get_native_id()
    try:
        if priority == "idle":
            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        elif priority:
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + priority)
    except OSError as exc:
        log.warning("argon2_priority_unchanged", error=str(exc))
