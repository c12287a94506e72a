"""Fault injection for crash-recovery tests: a service SIGKILLs itself at a configured point.

Off unless a service's ``fault_crash_point`` setting names a point; production never sets it.
"""

import os
import signal
from collections.abc import Awaitable, Callable

from tekana_common.logging import get_logger

log = get_logger(__name__)

Hook = Callable[[], Awaitable[None]]


async def _crash() -> None:
    # Die as a killed process does: no cleanup, no reply, nothing in flight committed.
    log.warning("fault_injected_crash")
    os.kill(os.getpid(), signal.SIGKILL)


async def _no_fault() -> None:
    return None


def hook(configured_point: str, point: str) -> Hook:
    """A hook that kills the process at ``point`` if that is the configured point."""
    return _crash if configured_point == point else _no_fault


def optional_hook(configured_point: str, point: str) -> Hook | None:
    """Like ``hook``, but None when ``point`` is not the configured one, for code that takes
    a faster path when nothing is injected."""
    return _crash if configured_point == point else None
