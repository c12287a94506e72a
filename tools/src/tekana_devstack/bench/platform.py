"""The platform under load: one ``up`` started for the run, or one already running."""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tekana_common.db import database_url
from tekana_common.settings import DEFAULT_DATABASE_URL
from tekana_devstack.bench.processes import find_components, free_port
from tekana_devstack.paths import STATE_DIR

READY_SECONDS = 90.0


@dataclass(frozen=True)
class Target:
    url: str
    database_prefix: str
    components: dict[str, int]  # name → pid, for the ones on this machine
    started_here: bool
    # Where ``up`` keeps the platform's development keys (the national id keys, for seeding).
    state_dir: Path = STATE_DIR


def wait_ready(url: str, *, seconds: float = READY_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/ready", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the platform at {url} did not become ready in {seconds:.0f} s")


def bench_environment() -> dict[str, str]:
    """Settings for a platform under benchmark: attempt limits out of the way (the load
    comes from one address), warnings only in the log, tracing off."""
    env = dict(
        os.environ,
        TEKANA_RATE_LIMIT_PER_ADDRESS="100000000",
        TEKANA_RATE_LIMIT_PER_EMAIL="100000000",
        TEKANA_LOG_LEVEL="WARNING",
    )
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    return env


@contextmanager
def started_platform(log_path: Path) -> Iterator[Target]:
    """``up`` on free ports with fresh databases, stopped (Ctrl-C) afterwards."""
    gateway = free_port()
    prefix = f"tekana_bench_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as state, log_path.open("wb") as log:
        up = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tekana_devstack",
                "up",
                f"--gateway-port={gateway}",
                *(f"--{n}-port={free_port()}" for n in ("customer", "wallet", "transaction")),
                *(
                    f"--{n}-metrics-port={free_port()}"
                    for n in ("gateway", "customer", "wallet", "transaction")
                ),
                f"--database-prefix={prefix}",
                f"--state-dir={state}",
            ],
            env=bench_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{gateway}"
            wait_ready(url)
            yield Target(
                url, prefix, find_components(up.pid), started_here=True, state_dir=Path(state)
            )
        finally:
            up.send_signal(signal.SIGINT)
            try:
                up.wait(timeout=30)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait()
            asyncio.run(_drop_databases(prefix))


async def _drop_databases(prefix: str) -> None:
    conn = await asyncpg.connect(
        database_url(os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL), "postgres")
    )
    try:
        for service in ("customer", "wallet", "transaction"):
            await conn.execute(f'DROP DATABASE IF EXISTS "{prefix}_{service}" WITH (FORCE)')
    finally:
        await conn.close()


def running_platform(url: str, database_prefix: str) -> Target:
    wait_ready(url, seconds=10)
    return Target(url.rstrip("/"), database_prefix, find_components(), started_here=False)
