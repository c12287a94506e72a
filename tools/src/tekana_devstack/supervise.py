"""Keeping ``up``'s processes running: a process that dies is started again after a
back-off that grows while it keeps dying, and the platform stops only when one fails too
often in a row (or on Ctrl-C)."""

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tekana_common.logging import get_logger

log = get_logger("tekana_devstack.up")

Start = Callable[[], subprocess.Popen[bytes]]


@dataclass(frozen=True, slots=True)
class Backoff:
    first_seconds: float = 0.5
    max_seconds: float = 10.0
    # A process that ran this long before dying starts a new series of restarts.
    healthy_after_seconds: float = 30.0
    # This many deaths in a row, each before it ran healthy_after_seconds: give up.
    max_failures: int = 5

    def delay(self, failures: int) -> float:
        return float(min(self.max_seconds, self.first_seconds * 2 ** (failures - 1)))


@dataclass
class Supervised:
    """One process: how to start it, the running one, and its recent failures."""

    name: str
    start: Start
    process: subprocess.Popen[bytes]
    started_at: float = field(default_factory=time.monotonic)
    failures: int = 0
    restart_at: float | None = None

    def check(self, backoff: Backoff, now: float) -> bool:
        """Look after the process at ``now``; False once it has failed too often."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.process, self.started_at, self.restart_at = self.start(), now, None
                log.info("component_restarted", component=self.name, attempt=self.failures)
            return True
        code = self.process.poll()
        if code is None:
            return True
        ran = now - self.started_at
        self.failures = 1 if ran >= backoff.healthy_after_seconds else self.failures + 1
        if self.failures > backoff.max_failures:
            log.error("component_keeps_failing", component=self.name, exit_code=code)
            return False
        delay = backoff.delay(self.failures)
        log.warning(
            "component_exited_restarting",
            component=self.name,
            exit_code=code,
            ran_seconds=round(ran, 1),
            restart_in_seconds=delay,
        )
        self.restart_at = now + delay
        return True


def start_all(starters: dict[str, Start]) -> list[Supervised]:
    return [Supervised(name, start, start()) for name, start in starters.items()]
