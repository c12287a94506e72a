"""The platform's processes as the benchmark sees them: CPU time and resident memory from
/proc, for each component, PostgreSQL's backends and the load generator."""

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
COMPONENT_MODULES = {
    "gateway": "tekana_gateway",
    "customer": "tekana_customer",
    "wallet": "tekana_wallet",
    "transaction": "tekana_transaction",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _stat_fields(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def cpu_seconds(pid: int) -> float | None:
    fields = _stat_fields(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[21]) * PAGE_BYTES


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _all_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def find_components(parent: int | None = None) -> dict[str, int]:
    """The platform's component processes: ``up``'s children, or any on this machine."""
    pids = children(parent) if parent is not None else _all_pids()
    found: dict[str, int] = {}
    for pid in pids:
        command = _cmdline(pid)
        for name, module in COMPONENT_MODULES.items():
            if len(command) >= 3 and command[1:3] == ["-m", module]:
                found[name] = pid
    return found


def postgres_pids() -> list[int]:
    return [pid for pid in _all_pids() if _comm(pid).startswith("postgres")]


def settle(pids: list[int], *, idle_share: float = 0.05, longest: float = 20.0) -> float:
    """Wait until ``pids`` together use under ``idle_share`` of one core (work queued by the
    previous run, such as argon2id hashes, has drained); the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < longest:
        before = sum(cpu_seconds(p) or 0.0 for p in pids)
        time.sleep(0.5)
        if sum(cpu_seconds(p) or 0.0 for p in pids) - before < 0.5 * idle_share:
            break
    return time.monotonic() - started


@dataclass
class CpuMeter:
    """CPU seconds each named group of processes spends between ``start`` and ``stop``.
    Processes that exit meanwhile (short-lived backends) are not counted."""

    groups: dict[str, list[int]]

    def start(self) -> None:
        self._before = {name: self._read(pids) for name, pids in self.groups.items()}

    def stop(self) -> dict[str, float]:
        spent = {}
        for name, pids in self.groups.items():
            before, after = self._before[name], self._read(pids)
            spent[name] = sum(after[p] - before[p] for p in after if p in before)
        return spent

    @staticmethod
    def _read(pids: list[int]) -> dict[int, float]:
        readings = {pid: cpu_seconds(pid) for pid in pids}
        return {pid: value for pid, value in readings.items() if value is not None}
