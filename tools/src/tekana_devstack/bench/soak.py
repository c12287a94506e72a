"""Memory over a long mixed run: each process's resident set sampled while wrk drives a mix
of reads, deposits and transfers; flat means the last sample is within a few percent of
the first one taken after warm-up."""

import threading
import time
from pathlib import Path
from typing import Any

from tekana_devstack.bench.load import drive
from tekana_devstack.bench.processes import rss_bytes

SAMPLE_SECONDS = 5.0
WARM_UP_SECONDS = 30.0
FLAT_PERCENT = 10.0


def soak(
    url: str, *, data_file: Path, components: dict[str, int], concurrency: int, seconds: int
) -> dict[str, Any]:
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in components}
    stop = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not stop.is_set():
            at = time.monotonic() - started
            for name, pid in components.items():
                value = rss_bytes(pid)
                if value is not None:
                    samples[name].append((at, value))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        run = drive(
            url,
            "mix",
            data_file=data_file,
            components=components,
            concurrency=concurrency,
            seconds=seconds,
        )
    finally:
        stop.set()
        sampler.join()
    processes = {}
    for name, series in samples.items():
        settled = [v for at, v in series if at >= min(WARM_UP_SECONDS, seconds / 4)] or [
            v for _, v in series
        ]
        first, last = settled[0], settled[-1]
        growth = (last - first) / first * 100
        processes[name] = {
            "first_mib": round(first / 2**20, 1),
            "last_mib": round(last / 2**20, 1),
            "max_mib": round(max(settled) / 2**20, 1),
            "growth_percent": round(growth, 2),
            "flat": growth <= FLAT_PERCENT,
            "samples_mib": [round(v / 2**20, 1) for _, v in series],
        }
    return {
        "seconds": run.seconds,
        "requests": run.requests,
        "rps": round(run.rps, 1),
        "errors": run.errors,
        "sample_every_seconds": SAMPLE_SECONDS,
        "flat_within_percent": FLAT_PERCENT,
        "processes": processes,
    }
