"""Where a process spends its time under one scenario's load: py-spy samples each
component and the samples are grouped by the library their innermost frame is in."""

import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from tekana_devstack.bench.load import drive
from tekana_devstack.bench.processes import settle

# The innermost frame's file path, as py-spy prints it, starts with the package directory.
LIBRARIES = {
    "h2": "HTTP/2 (h2, hpack)",
    "hpack": "HTTP/2 (h2, hpack)",
    "grpclib": "grpclib",
    "google": "protobuf (upb)",
    "asyncpg": "asyncpg",
    "tortoise": "Tortoise ORM",
    "pypika_tortoise": "Tortoise ORM",
    "aiohttp": "aiohttp",
    "multidict": "aiohttp",
    "yarl": "aiohttp",
    "structlog": "logging",
    "logging": "logging",
    "opentelemetry": "tracing (no-op)",
    "prometheus_client": "metrics",
    "pydantic": "validation (pydantic)",
    "pydantic_core": "validation (pydantic)",
    "msgspec": "JSON (msgspec)",
    "jwt": "JWT",
    "cryptography": "JWT",
    "argon2": "argon2id",
    "asyncio": "event loop",
    "uvloop": "event loop",
}


def _library(frame: str) -> str:
    location = frame.rsplit(" (", 1)[-1].rstrip(")")
    top = location.split("/", 1)[0].removesuffix(".py").split(":", 1)[0]
    if top.startswith("tekana_"):
        return "tekana code"
    return LIBRARIES.get(top, "other")


def summarize(raw: str, *, least_samples: int = 0) -> list[dict[str, Any]]:
    """Shares by library; nothing for a process with fewer than ``least_samples`` samples
    (it was idle in this scenario, and a handful of samples says nothing)."""
    by_library: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        total += int(count)
        by_library[_library(stack.split(";")[-1])] += int(count)
    return (
        [
            {"function": name, "percent": round(n / total * 100, 1)}
            for name, n in by_library.most_common()
        ]
        if total
        else []
    )


def profile(
    url: str,
    scenario: str,
    *,
    data_file: Path,
    components: dict[str, int],
    concurrency: int,
    seconds: int,
) -> dict[str, Any]:
    beside_python = Path(sys.executable).parent / "py-spy"
    spy = shutil.which("py-spy") or (str(beside_python) if beside_python.exists() else None)
    if spy is None:
        return {"error": "py-spy is not installed"}
    results: dict[str, Any] = {}
    settle(list(components.values()))  # what the previous run queued must not be sampled
    with tempfile.TemporaryDirectory() as scratch:
        records = {name: Path(scratch) / f"{name}.txt" for name in components}
        spies = [
            subprocess.Popen(
                [
                    spy,
                    "record",
                    "-p",
                    str(pid),
                    "-d",
                    str(max(1, seconds - 2)),
                    "-r",
                    "200",
                    "-f",
                    "raw",
                    "--nonblocking",
                    "-o",
                    str(records[name]),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for name, pid in components.items()
        ]
        load = threading.Thread(
            target=drive,
            args=(url, scenario),
            kwargs={
                "data_file": data_file,
                "components": components,
                "concurrency": concurrency,
                "seconds": seconds,
            },
        )
        load.start()
        for name, process in zip(components, spies, strict=True):
            _, err = process.communicate()
            if process.returncode != 0 or not records[name].exists():
                results[name] = [
                    {"function": f"py-spy failed: {err.decode()[-200:]}", "percent": 0.0}
                ]
            else:
                # Busy means at least a tenth of a core's worth of the 200 samples/s.
                shares = summarize(records[name].read_text(), least_samples=20 * seconds)
                if shares:
                    results[name] = shares
        load.join()
    return results
