"""A login storm must not starve everyone else: the p99 of wallet pages and transfers
while logins run flat out, against their p99 when it is quiet, measured back to back in one
run (these machines are too noisy to compare runs)."""

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from tekana_devstack.bench.load import drive, wrk_command

VICTIMS = ("get-wallet", "transfer")
# The storm's own warm-up before the victims are measured: argon2id's queue fills first.
WARM_UP_SECONDS = 2
RATIO_TARGET = 2.0


def measure(
    url: str,
    *,
    data_file: Path,
    components: dict[str, int],
    victim_concurrency: int,
    logins_in_flight: int,
    seconds: int,
) -> dict[str, Any]:
    """For each victim: its p99 quiet, then under ``logins_in_flight`` concurrent logins."""
    entries = []
    for victim in VICTIMS:
        quiet = drive(
            url,
            victim,
            data_file=data_file,
            components=components,
            concurrency=victim_concurrency,
            seconds=seconds,
        )
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "storm.json"
            command, env = wrk_command(
                url,
                "login",
                data_file=data_file,
                out=out,
                concurrency=logins_in_flight,
                seconds=seconds + WARM_UP_SECONDS + 2,
                threads=1,
            )
            with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) as storm:
                time.sleep(WARM_UP_SECONDS)
                stormy = drive(
                    url,
                    victim,
                    data_file=data_file,
                    components=components,
                    concurrency=victim_concurrency,
                    seconds=seconds,
                    settle_first=False,
                )
                storm.wait(timeout=seconds + 30)
            logins = json.loads(out.read_text()) if out.exists() else {}
        ratio = stormy.p99_ms / quiet.p99_ms if quiet.p99_ms else 0.0
        entries.append(
            {
                "scenario": victim,
                "concurrency": victim_concurrency,
                "quiet_rps": round(quiet.rps, 1),
                "quiet_p99_ms": round(quiet.p99_ms, 2),
                "storm_rps": round(stormy.rps, 1),
                "storm_p99_ms": round(stormy.p99_ms, 2),
                "p99_ratio": round(ratio, 2),
                "errors": quiet.errors + stormy.errors,
                "logins_per_second": round(
                    logins.get("requests", 0) / (logins.get("duration_us", 0) / 1e6 or 1), 1
                ),
            }
        )
    return {"logins_in_flight": logins_in_flight, "target_ratio": RATIO_TARGET, "entries": entries}
