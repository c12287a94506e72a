"""Faults for the crash-recovery tests: a service SIGKILLs itself at a configured point.

Off unless a service's ``fault_crash_point`` setting names a point; production never sets
it. The composition root (``server.py``) wraps the object the point belongs to, and nothing
else knows of faults: ``crash_after`` a method returns, or ``crash_before_commit`` of one
statement.
"""

import os
import signal
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar, cast

import asyncpg

from tekana_common.db import Database
from tekana_common.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")


def crash() -> None:
    # Die as a killed process does: no cleanup, no reply, nothing in flight committed.
    log.warning("fault_injected_crash")
    os.kill(os.getpid(), signal.SIGKILL)


class _CrashAfter:
    def __init__(self, target: Any, method: str) -> None:
        self._target = target
        self._method = method

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._target, name)
        if name != self._method:
            return found

        async def then_crash(*args: Any, **kwargs: Any) -> Any:
            result = await cast(Callable[..., Awaitable[Any]], found)(*args, **kwargs)
            crash()
            return result

        return then_crash


def crash_after(target: T, method: str) -> T:
    """``target``, whose coroutine method ``method`` kills the process once it returned."""
    return cast(T, _CrashAfter(target, method))


class _CrashBeforeCommit:
    def __init__(self, database: Database, statement: str) -> None:
        self._database = database
        self._statement = statement

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        if query != self._statement:
            return await self._database.fetch(query, *args)
        async with self._database.transaction() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            crash()
            return rows

    def transaction(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        return self._database.transaction()


def crash_before_commit(database: Database, statement: str) -> Database:
    """``database``, on which ``statement`` (run with ``fetch``) kills the process once it
    ran, inside its transaction, before the commit."""
    return cast(Database, _CrashBeforeCommit(database, statement))
