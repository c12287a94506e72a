"""``./taskw bench:tracing``: what tracing costs with no exporter configured (tracing off).

Two measurements in one run: the CPU time of the tracing work one read request does when
no SDK is installed (see ``hook_cpu_seconds``), timed in a loop; and the CPU time
all four processes spend per ``GET /v1/customers/me`` under load on a live platform. Their
ratio is the overhead. Results go to bench/results/tracing-overhead-<time>.json.
"""

import asyncio
import json
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from opentelemetry.trace import SpanKind

from tekana_common import tracing
from tekana_common.logging import _add_trace_ids
from tekana_devstack.bench.platform import started_platform
from tekana_devstack.bench.processes import cpu_seconds
from tekana_devstack.paths import REPO_ROOT

RESULTS = REPO_ROOT / "bench" / "results"
HOOK_ITERATIONS = 20_000
LOAD_SECONDS = 8.0
CONCURRENCY = 16


def hook_cpu_seconds() -> float:
    """CPU seconds of the tracing work of one read request, tracing off: what the code
    paths do when ``tracing.ENABLED`` is False (the gateway installs no tracing
    middleware and its channel wraps no call in a span; the service's span is the shared
    no-op one; no context is injected or extracted), plus the log processor."""
    if tracing.ENABLED:
        raise RuntimeError("tracing is on in this process: unset OTEL_EXPORTER_OTLP_*")
    method = "/tekana.customer.v1.CustomerService/GetCustomer"
    started = time.process_time()
    for _ in range(HOOK_ITERATIONS):
        metadata: dict[str, str] = {}
        tracing.inject(metadata)
        with tracing.span(
            method,
            parent=tracing.extract(metadata),
            kind=SpanKind.SERVER,
            attributes=tracing.rpc_attributes(method),
        ):
            _add_trace_ids(None, "info", {"event": "x"})
        _add_trace_ids(None, "info", {"event": "http_request"})
    return (time.process_time() - started) / HOOK_ITERATIONS


def _cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


async def _load(base_url: str) -> tuple[int, float]:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    async with aiohttp.ClientSession(base_url=base_url) as session:
        body = {
            "email": email,
            "password": "bench password",
            "full_name": "Bench",
            "national_id": "1",
            "gender": "F",
        }
        await session.post("/v1/customers", json=body)
        token = (
            await (
                await session.post(
                    "/v1/auth/token", json={"email": email, "password": "bench password"}
                )
            ).json()
        )["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        done = 0
        stop = time.monotonic() + LOAD_SECONDS

        async def worker() -> None:
            nonlocal done
            while time.monotonic() < stop:
                async with session.get("/v1/customers/me", headers=headers) as response:
                    assert response.status == 200
                    done += 1

        await asyncio.gather(*(worker() for _ in range(8)))  # warm-up and token checks
        done = 0
        stop = time.monotonic() + LOAD_SECONDS
        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return done, time.monotonic() - started


def request_cpu_seconds() -> dict[str, float]:
    """CPU seconds all processes spend per request, on a platform started for the run."""
    with (
        tempfile.TemporaryDirectory() as scratch,
        started_platform(Path(scratch) / "platform.log") as target,
    ):
        pids = list(target.components.values())
        before = _cpu_seconds(pids)
        requests, elapsed = asyncio.run(_load(target.url))
        spent = _cpu_seconds(pids) - before
    return {
        "requests": requests,
        "seconds": elapsed,
        "cpu_seconds": spent,
        "requests_per_second": requests / elapsed,
        "cpu_seconds_per_request": spent / requests,
    }


def run() -> int:
    hook = hook_cpu_seconds()
    load = request_cpu_seconds()
    overhead = hook / load["cpu_seconds_per_request"]
    report: dict[str, Any] = {
        "benchmark": "tracing overhead with tracing off (no OTLP endpoint)",
        "path": "GET /v1/customers/me (gateway → customer service → PostgreSQL)",
        "hook_cpu_us_per_request": round(hook * 1e6, 2),
        "request_cpu_ms_per_request_all_processes": round(load["cpu_seconds_per_request"] * 1e3, 3),
        "requests_per_second": round(load["requests_per_second"], 1),
        "concurrency": CONCURRENCY,
        "overhead_percent": round(overhead * 100, 2),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"tracing-overhead-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"written to {path.relative_to(REPO_ROOT)}")
    return 0 if overhead < 0.05 else 1
