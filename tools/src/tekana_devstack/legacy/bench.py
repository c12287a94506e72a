"""``./taskw bench:import``: a full import of a legacy fixture timed against PostgreSQL's
own ceiling for loading the same rows (COPY into tables like the same ones, indexes and
checks included), and the importer's peak memory at that size and at a tenth of it, all in
one run. Report in ``bench/results/import-<UTC time>.json`` and ``.md``."""

import argparse
import asyncio
import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from tekana_common.db import database_url
from tekana_devstack.legacy import fixture
from tekana_devstack.legacy.piping import pipe
from tekana_devstack.paths import REPO_ROOT

RESULTS = REPO_ROOT / "bench" / "results"
# What the import writes, per Tekana database.
TABLES = {
    "customer": ["customer"],
    "wallet": ["wallet", "ledger_entry", "transfer", "legacy_activity"],
    "transaction": ['"transaction"'],
}
# The targets on two cores.
SECONDS_MAX = 600
CEILING_SHARE_MIN = 0.25
MEMORY_GROWTH_MAX = 1.5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=1_000_000, help="default 1000000")
    parser.add_argument("--database-prefix", default="tekana_bench_import")


def _import(legacy: fixture.Databases, prefix: str, report_dir: Path) -> tuple[float, int]:
    """One import in a process of its own: (seconds, peak resident KiB)."""
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tekana_devstack",
            "import-legacy",
            f"--customer-db={legacy.customer}",
            f"--wallet-db={legacy.wallet}",
            f"--transaction-db={legacy.transaction}",
            f"--database-prefix={prefix}",
            f"--report={report_dir}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    sys.stderr.write(done.stderr)
    if done.returncode:
        raise SystemExit(f"bench:import: the import failed:\n{done.stdout}")
    peak = re.search(r"peak memory (\d+) KiB", done.stdout)
    if peak is None:
        raise SystemExit("bench:import: the import did not report its peak memory")
    return seconds, int(peak[1])


async def _ceiling(server_url: str, prefix: str) -> tuple[int, float, dict[str, int]]:
    """(rows, seconds) of PostgreSQL's fastest way to load every row the import wrote into
    tables like its own: COPY, server to server as the import does, into the bare table
    (its checks and defaults), then each of its indexes built once; and rows per table."""
    rows, seconds, per_table = 0, 0.0, {}
    for database, tables in TABLES.items():
        url = database_url(server_url, f"{prefix}_{database}")
        source, target = await asyncpg.connect(url), await asyncpg.connect(url)
        try:
            for table in tables:
                copy = f"ceiling_{table.strip(chr(34))}"
                await target.execute(f"DROP TABLE IF EXISTS {copy}")
                await target.execute(
                    f"CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
                )
                indexes = await target.fetch(
                    "SELECT pg_get_indexdef(indexrelid) AS ddl FROM pg_index"
                    " WHERE indrelid = $1::regclass",
                    table,
                )
                started = time.monotonic()
                async with target.transaction():
                    count = await pipe(source, f"SELECT * FROM {table}", target, copy)
                    for n, index in enumerate(indexes):
                        ddl = re.sub(
                            r"INDEX \S+ ON \S+", f"INDEX {copy}_{n} ON {copy}", index["ddl"]
                        )
                        await target.execute(ddl)
                seconds += time.monotonic() - started
                await target.execute(f"DROP TABLE {copy}")
                rows += count
                per_table[table.strip(chr(34))] = count
        finally:
            await source.close()
            await target.close()
    return rows, seconds, per_table


def run(args: argparse.Namespace, server_url: str) -> int:
    small = max(args.customers // 10, 1)
    legacy_prefix, prefix = f"{args.database_prefix}_legacy", args.database_prefix
    scratch = REPO_ROOT / ".tekana" / "bench-import"
    results: dict[str, Any] = {"customers": args.customers, "memory_customers": small}
    peaks = {}
    for size in (small, args.customers):
        asyncio.run(fixture.drop(server_url, prefix))
        legacy = asyncio.run(fixture.make(server_url, legacy_prefix, size))
        seconds, peaks[size] = _import(legacy, prefix, scratch)
        if size == args.customers:
            results["import_seconds"] = round(seconds, 1)
    rows, ceiling_seconds, per_table = asyncio.run(_ceiling(server_url, prefix))
    results.update(
        rows=rows,
        rows_per_table=per_table,
        import_rows_per_second=round(rows / results["import_seconds"]),
        copy_seconds=round(ceiling_seconds, 1),
        copy_rows_per_second=round(rows / ceiling_seconds),
        share_of_copy_ceiling=round(ceiling_seconds / results["import_seconds"], 3),
        peak_memory_kib={str(size): kib for size, kib in peaks.items()},
        memory_growth=round(peaks[args.customers] / peaks[small], 2),
    )
    results["verdicts"] = {
        f"under {SECONDS_MAX} s": results["import_seconds"] < SECONDS_MAX,
        f"at least {CEILING_SHARE_MIN:.0%} of the COPY ceiling": results["share_of_copy_ceiling"]
        >= CEILING_SHARE_MIN,
        f"memory grows at most {MEMORY_GROWTH_MAX}x for 10x the customers": results["memory_growth"]
        <= MEMORY_GROWTH_MAX,
    }
    asyncio.run(fixture.drop(server_url, prefix))
    asyncio.run(fixture.drop(server_url, legacy_prefix))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"import-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"import-{stamp}.md").write_text(_markdown(results))
    print(_markdown(results))
    return 0 if all(results["verdicts"].values()) else 1


def _markdown(r: dict[str, Any]) -> str:
    lines = [
        f"# Legacy import: {r['customers']:,} customers",
        "",
        "`./taskw bench:import` on this machine; the import and the ceiling in one run.",
        "",
        "| | value |",
        "|---|---|",
        f"| rows written | {r['rows']:,} |",
        f"| import | {r['import_seconds']} s, {r['import_rows_per_second']:,} rows/s |",
        f"| COPY ceiling (same rows, same tables) | {r['copy_seconds']} s,"
        f" {r['copy_rows_per_second']:,} rows/s |",
        f"| import / ceiling | {r['share_of_copy_ceiling']:.1%} |",
        *(
            f"| peak memory, {int(n):,} customers | {kib // 1024} MiB |"
            for n, kib in r["peak_memory_kib"].items()
        ),
        "",
        *(f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in r["verdicts"].items()),
        "",
        "Rows per table: " + ", ".join(f"{t} {n:,}" for t, n in r["rows_per_table"].items()),
        "",
    ]
    return "\n".join(lines)
