"""argon2id password hashing, run on worker threads so the event loop never blocks."""

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from prometheus_client import Gauge

from tekana_common.tracing import span

# Hashes waiting for or running on a worker thread: above the worker count, logins queue.
ARGON2_QUEUE = Gauge("tekana_argon2_queue_length", "argon2id hashes queued or running")

# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
MEMORY_KIB = 19 * 1024
TIME_COST = 2


class Hasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def burn(self, password: str) -> None:
        """Spend a verification's time without a hash, so unknown e-mails are not faster."""


class Argon2Hasher:
    """argon2-cffi releases the GIL while hashing, so ``workers`` threads use that many cores."""

    def __init__(self, *, workers: int, memory_kib: int = MEMORY_KIB, time_cost: int = TIME_COST):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        with span("argon2id.hash"), ARGON2_QUEUE.track_inprogress():
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self._hasher.hash, password
            )

    async def verify(self, password_hash: str, password: str) -> bool:
        with span("argon2id.verify"), ARGON2_QUEUE.track_inprogress():
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self._verify_sync, password_hash, password
            )

    async def burn(self, password: str) -> None:
        await self.verify(self._decoy, password)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def close(self) -> None:
        self._pool.shutdown(wait=True)
