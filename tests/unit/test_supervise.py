"""``up``'s restart policy, on real (short-lived) processes and a clock the test moves."""

import subprocess
import sys

from tekana_devstack.supervise import Backoff, Supervised

BACKOFF = Backoff(first_seconds=0.05, max_seconds=0.2, healthy_after_seconds=30, max_failures=3)


def _dying() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])


def _run(child: Supervised, *, ran_seconds: float, rounds: int) -> tuple[list[float], bool]:
    """Let ``child`` die ``rounds`` times, each after ``ran_seconds``: the delays it chose,
    and whether it was still being kept alive at the end."""
    now, delays = child.started_at, list[float]()
    for _ in range(rounds):
        child.process.wait()
        now += ran_seconds
        if not child.check(BACKOFF, now):
            return delays, False
        assert child.restart_at is not None
        delays.append(round(child.restart_at - now, 3))
        now = child.restart_at
        assert child.check(BACKOFF, now)
        assert child.restart_at is None
    return delays, True


def test_quick_deaths_back_off_then_give_up() -> None:
    child = Supervised("doomed", _dying, _dying(), started_at=0.0)
    delays, alive = _run(child, ran_seconds=0.1, rounds=10)
    assert delays == [0.05, 0.1, 0.2]
    assert not alive


def test_a_process_that_ran_healthy_starts_a_new_series() -> None:
    child = Supervised("flaky", _dying, _dying(), started_at=0.0)
    delays, alive = _run(child, ran_seconds=31, rounds=6)
    assert delays == [0.05] * 6
    assert alive
    child.process.wait()
