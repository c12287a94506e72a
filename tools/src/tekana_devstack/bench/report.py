"""The benchmark's report: medians over interleaved runs, ratios to pgbench, targets, and
the machine they were measured on (``markdown`` renders it)."""

import os
import platform
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from tekana_devstack.bench.load import PATHS, LoadRun
from tekana_devstack.paths import REPO_ROOT

READS = ("get-customer", "get-wallet")
TRANSFER_RATE_TARGET = 1_000.0
READ_RATE_TARGET = 2_000.0
P99_TARGET_MS = 100.0
# "Register bounded only by argon2id cost": everything else a registration does may cost at
# most half as much again as its hash, so it reaches two thirds of what hashing alone allows.
HASH_BOUND_SHARE = 2 / 3
# Each hashes one password; their latency is argon2id's queue, judged by the share above.
HASH_BOUND = ("register", "login")


@dataclass(frozen=True)
class Target:
    what: str
    wanted: str
    measured: str
    met: bool


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def scenario_entry(runs: list[LoadRun], ceilings: dict[str, float]) -> dict[str, Any]:
    name = runs[0].scenario
    rps = _median([r.rps for r in runs])
    reference = "transfer-hot" if name == "transfer-hot" else "transfer-random"
    ceiling = ceilings.get(reference, 0.0)
    processes = sorted({p for r in runs for p in r.cpu_seconds})
    return {
        "scenario": name,
        "path": PATHS[name],
        "rps": round(rps, 1),
        "p50_ms": round(_median([r.p50_ms for r in runs]), 2),
        "p99_ms": round(_median([r.p99_ms for r in runs]), 2),
        "errors": sum(r.errors for r in runs),
        "error_kinds": _sum_kinds(runs),
        "error_sample": next((r.error_sample for r in runs if r.error_sample), ""),
        "requests": sum(r.requests for r in runs),
        "runs": [round(r.rps, 1) for r in runs],
        "cpu_ms_per_request": {
            p: round(
                _median([r.cpu_seconds.get(p, 0.0) * 1e3 / r.requests for r in runs if r.requests]),
                3,
            )
            for p in processes
        },
        "ratio_to_pgbench": round(rps / ceiling, 4) if ceiling else None,
        "pgbench_reference": reference,
    }


def _sum_kinds(runs: list[LoadRun]) -> dict[str, int]:
    total: dict[str, int] = {}
    for run in runs:
        for kind, count in run.error_kinds.items():
            total[kind] = total.get(kind, 0) + count
    return total


def targets(
    scenarios: list[dict[str, Any]],
    ceilings: dict[str, float],
    hashes_per_second: float | None = None,
    storm: dict[str, Any] | None = None,
) -> list[Target]:
    """``hashes_per_second``: argon2id's own ceiling on this machine (``bench.hashing``);
    ``storm``: the login storm's figures (``bench.storm``)."""
    by_name = {s["scenario"]: s for s in scenarios}
    found: list[Target] = []
    for name in HASH_BOUND:
        if name in by_name and hashes_per_second:
            share = by_name[name]["rps"] / hashes_per_second
            found.append(
                Target(
                    f"{name} / argon2id ceiling",
                    f">= {HASH_BOUND_SHARE:.0%}",
                    f"{share:.0%}",
                    share >= HASH_BOUND_SHARE,
                )
            )
    if "transfer" in by_name:
        transfer = by_name["transfer"]
        found.append(
            Target(
                "transfer requests/s",
                f">= {TRANSFER_RATE_TARGET:.0f}",
                f"{transfer['rps']:.0f}",
                transfer["rps"] >= TRANSFER_RATE_TARGET,
            )
        )
        ratio = transfer["ratio_to_pgbench"] or 0.0
        found.append(Target("transfer / pgbench ceiling", ">= 10 %", f"{ratio:.1%}", ratio >= 0.10))
    if "transfer-hot" in by_name:
        ratio = by_name["transfer-hot"]["ratio_to_pgbench"] or 0.0
        found.append(
            Target(
                "hot-wallet transfer / pgbench hot ceiling",
                ">= 25 %",
                f"{ratio:.1%}",
                ratio >= 0.25,
            )
        )
    for name in READS:
        if name in by_name:
            rps = by_name[name]["rps"]
            found.append(
                Target(
                    f"{name} requests/s",
                    f">= {READ_RATE_TARGET:.0f}",
                    f"{rps:.0f}",
                    rps >= READ_RATE_TARGET,
                )
            )
    for entry in scenarios:
        if entry["scenario"] not in HASH_BOUND:
            found.append(
                Target(
                    f"{entry['scenario']} p99",
                    f"< {P99_TARGET_MS:.0f} ms",
                    f"{entry['p99_ms']:.1f} ms",
                    entry["p99_ms"] < P99_TARGET_MS,
                )
            )
    for entry in scenarios:
        found.append(
            Target(f"{entry['scenario']} errors", "0", str(entry["errors"]), entry["errors"] == 0)
        )
    return found + storm_targets(storm)


def storm_targets(storm: dict[str, Any] | None) -> list[Target]:
    """Under a login storm, each victim's p99 below ``target_ratio`` times its quiet p99."""
    if not storm:
        return []
    return [
        Target(
            f"{e['scenario']} p99 during {storm['logins_in_flight']} concurrent logins / quiet",
            f"< {storm['target_ratio']:.0f}x",
            f"{e['p99_ratio']:.2f}x ({e['storm_p99_ms']:.1f} / {e['quiet_p99_ms']:.1f} ms)",
            0 < e["p99_ratio"] < storm["target_ratio"] and e["errors"] == 0,
        )
        for e in storm["entries"]
    ]


def machine() -> dict[str, Any]:
    def version(program: str, *args: str) -> str | None:
        path = shutil.which(program)
        if path is None:
            return None
        done = subprocess.run([path, *args], capture_output=True, text=True, check=False)
        return (
            (done.stdout or done.stderr).strip().splitlines()[0]
            if done.returncode in (0, 1)
            else None
        )

    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    packages = ("aiohttp", "grpclib", "protobuf", "asyncpg", "tortoise-orm", "uvloop", "h2")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False, cwd=REPO_ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    ).stdout.strip()
    return {
        "git_commit": (commit + ("+uncommitted changes" if dirty else "")) or None,
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 2**20, 1),
        "load_average_at_start": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgres": version("postgres", "--version") or version("psql", "--version"),
        "pgbench": version("pgbench", "--version"),
        "wrk": version("wrk", "-v"),
        "packages": {p: metadata.version(p) for p in packages},
    }
