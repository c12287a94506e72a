"""One timed load run: wrk driving one scenario at fixed concurrency, with the CPU each
process spent meanwhile."""

import json
import os
import resource
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tekana_devstack.bench.processes import CpuMeter, postgres_pids, settle
from tekana_devstack.paths import REPO_ROOT

WRK_SCRIPT = REPO_ROOT / "bench" / "wrk" / "scenarios.lua"
SCENARIOS = (
    "register",
    "login",
    "get-customer",
    "get-wallet",
    "deposit",
    "transfer",
    "transfer-hot",
    "history",
)
PATHS = {
    "register": "POST /customer/register",
    "login": "PUT /customer/login",
    "get-customer": "GET /customer/:id",
    "get-wallet": "GET /wallet/:accNumber",
    "deposit": "POST /wallet/deposit",
    "transfer": "POST /transaction (random wallets)",
    "transfer-hot": "POST /transaction (into one hot wallet)",
    "history": "GET /transaction/:accNumber",
    "mix": "a mix of reads, deposits and transfers",
}


@dataclass(frozen=True)
class LoadRun:
    scenario: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    error_kinds: dict[str, int]  # wrk's kinds, and "envelope": a 2xx whose body says otherwise
    error_sample: str
    cpu_seconds: dict[str, float]  # per process group, including "wrk"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_program() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is needed: ./taskw system-tools (or apt-get install wrk)")
    return found


def wrk_command(
    url: str,
    scenario: str,
    *,
    data_file: Path,
    out: Path,
    concurrency: int,
    seconds: int,
    threads: int = 2,
) -> tuple[list[str], dict[str, str]]:
    """The wrk command line and environment that drive ``scenario``, its summary to ``out``."""
    env = dict(
        os.environ,
        TEKANA_BENCH_DATA=str(data_file),
        TEKANA_BENCH_SCENARIO=scenario,
        TEKANA_BENCH_OUT=str(out),
        TEKANA_BENCH_NONCE=uuid.uuid4().hex[:12],
    )
    command = [
        wrk_program(),
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        url,
    ]
    return command, env


def drive(
    url: str,
    scenario: str,
    *,
    data_file: Path,
    components: dict[str, int],
    concurrency: int,
    seconds: int,
    threads: int = 2,
    settle_first: bool = True,
) -> LoadRun:
    """One run; unless ``settle_first`` is off (another load is meant to run beside it), it
    starts once the platform is idle."""
    if settle_first:
        settle(list(components.values()))
    meter = CpuMeter({**{n: [p] for n, p in components.items()}, "postgres": postgres_pids()})
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "summary.json"
        command, env = wrk_command(
            url,
            scenario,
            data_file=data_file,
            out=out,
            concurrency=concurrency,
            seconds=seconds,
            threads=threads,
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        meter.start()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        spent = meter.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed on {scenario}: {done.stderr.strip()[-500:]}")
        summary = json.loads(out.read_text())
    spent["wrk"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    kinds = {k: v for k, v in summary["errors"].items() if v}
    return LoadRun(
        scenario=scenario,
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1e3,
        p90_ms=summary["p90_us"] / 1e3,
        p99_ms=summary["p99_us"] / 1e3,
        errors=sum(kinds.values()),
        error_kinds=kinds,
        error_sample=summary["error_sample"],
        cpu_seconds=spent,
    )
