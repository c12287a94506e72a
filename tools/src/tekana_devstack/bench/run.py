"""``./taskw bench``: start (or target) a platform, seed it, then drive each scenario with wrk
at fixed concurrency, interleaved with pgbench's ceiling for the same work, several rounds;
report medians to bench/results/<time>.json and .md."""

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tekana_common.settings import DEFAULT_DATABASE_URL
from tekana_devstack import bench_tracing, pgbench_ceiling, seed
from tekana_devstack.bench import data, floor, hashing, load, markdown, report, storm
from tekana_devstack.bench.platform import Target, running_platform, started_platform
from tekana_devstack.bench.profile import profile
from tekana_devstack.bench.soak import soak
from tekana_devstack.paths import REPO_ROOT

RESULTS = REPO_ROOT / "bench" / "results"
PGBENCH_SCENARIOS = ("transfer-random", "transfer-hot")


# The victims' own load during the login storm: steady, well below their ceiling.
STORM_VICTIM_CONCURRENCY = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="benchmark the platform running here instead of starting one")
    parser.add_argument(
        "--database-prefix", default="tekana", help="with --url: its databases' prefix"
    )
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--million", action="store_true", help="seed 1,000,000 customers (2,000,000 wallets)"
    )
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10, help="length of each run")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds; medians reported")
    parser.add_argument(
        "--scenarios", default=",".join(load.SCENARIOS), help="comma-separated subset"
    )
    parser.add_argument("--soak-seconds", type=int, default=600, help="memory run; 0 skips it")
    parser.add_argument(
        "--storm-seconds",
        type=int,
        default=10,
        help="wallet pages and transfers, quiet then beside a login storm; 0 skips it",
    )
    parser.add_argument(
        "--profile-seconds",
        type=int,
        default=10,
        help="py-spy each process under every scenario short of its target; 0 skips it",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)


@contextmanager
def _target(args: argparse.Namespace, log_path: Path) -> Iterator[Target]:
    if args.url:
        yield running_platform(args.url, args.database_prefix)
    else:
        with started_platform(log_path) as started:
            yield started


def run(args: argparse.Namespace) -> int:
    # Stopped by SIGTERM too, the run still stops its platform and drops its databases.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(scenarios) - set(load.SCENARIOS)
    if unknown:
        print(f"bench: unknown scenarios {sorted(unknown)}; known: {', '.join(load.SCENARIOS)}")
        return 2
    load.wrk_program()
    customers = 1_000_000 if args.million else args.customers
    started_at = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    args.out.mkdir(parents=True, exist_ok=True)
    server_url = os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL)
    with (
        tempfile.TemporaryDirectory() as scratch,
        _target(args, Path(scratch) / "platform.log") as target,
        pgbench_ceiling.prepared(server_url) as pgbench,
    ):
        pids = ", ".join(f"{n} pid {p}" for n, p in target.components.items())
        _say(f"platform {target.url}: {pids}")
        seed_started = time.monotonic()
        bench_data = asyncio.run(
            data.prepare(
                target.url,
                server_url,
                target.database_prefix,
                customers=customers,
                logged_in=args.concurrency * 2,
                cipher=seed.cipher_for(target.state_dir),
            )
        )
        seed_seconds = time.monotonic() - seed_started
        _say(
            f"seeded {customers:,} customers, logged {len(bench_data.tokens)} in"
            f" ({seed_seconds:.1f} s)"
        )
        data_file = Path(scratch) / "data.lua"
        runs: dict[str, list[load.LoadRun]] = {s: [] for s in scenarios}
        ceilings: dict[str, list[float]] = {s: [] for s in PGBENCH_SCENARIOS}
        pgbench_clients = args.concurrency
        for round_number in range(1, args.runs + 1):
            _refresh(bench_data, target, data_file)
            for scenario in scenarios:
                measured = _drive(target, scenario, data_file, args)
                runs[scenario].append(measured)
                _say(
                    f"round {round_number} {scenario}: {measured.rps:,.0f} req/s, p99 "
                    f"{measured.p99_ms:.1f} ms, {measured.errors} errors"
                )
            for scenario in PGBENCH_SCENARIOS:
                ceiling = pgbench.run(scenario, clients=args.concurrency, seconds=args.seconds)
                ceilings[scenario].append(ceiling.tps)
                pgbench_clients = ceiling.clients
                _say(f"round {round_number} pgbench {scenario}: {ceiling.tps:,.0f} tps")
        medians = {s: report._median(v) for s, v in ceilings.items()}
        entries = [report.scenario_entry(runs[s], medians) for s in scenarios]
        login_storm = None
        if args.storm_seconds and "login" in scenarios:
            _refresh(bench_data, target, data_file)
            _say(f"login storm: {args.concurrency} logins in flight beside wallet pages, transfers")
            login_storm = storm.measure(
                target.url,
                data_file=data_file,
                components=target.components,
                victim_concurrency=STORM_VICTIM_CONCURRENCY,
                logins_in_flight=args.concurrency,
                seconds=args.storm_seconds,
            )
        _say("measuring argon2id alone (what registration and login cannot outrun)")
        hashing_ceiling = hashing.measure()
        met = report.targets(
            entries, medians, hashing_ceiling["hashes_per_second"], storm=login_storm
        )
        result: dict[str, Any] = {
            "started_at": started_at,
            "settings": {
                "concurrency": args.concurrency,
                "seconds": args.seconds,
                "runs": args.runs,
                "customers": customers,
                "wallets": customers * 2,
                "logged_in_customers": len(bench_data.tokens),
                "platform": "started for the run" if target.started_here else target.url,
                "seed_seconds": round(seed_seconds, 1),
                "load_generator": "wrk (bench/wrk/scenarios.lua)",
            },
            "machine": report.machine(),
            "pgbench": {s: round(v, 1) for s, v in medians.items()},
            "pgbench_runs": ceilings,
            "pgbench_clients": pgbench_clients,
            "scenarios": entries,
            "targets": [t.__dict__ for t in met],
            "argon2id": hashing_ceiling,
            "login_storm": login_storm,
        }
        result["tracing_overhead"] = _tracing_overhead(entries)
        _say("measuring a bare gRPC call (the transport's own cost per hop)")
        result["grpc_call_floor"] = floor.measure(concurrency=args.concurrency)
        short = sorted({_scenario_of(t.what) for t in met if not t.met} & set(scenarios))
        if args.profile_seconds and short and target.components:
            _refresh(bench_data, target, data_file)
            result["profiles"] = {}
            for scenario in short:
                _say(f"profiling {scenario} ({args.profile_seconds} s)")
                result["profiles"][scenario] = profile(
                    target.url,
                    scenario,
                    data_file=data_file,
                    components=target.components,
                    concurrency=args.concurrency,
                    seconds=args.profile_seconds,
                )
        if args.soak_seconds and target.components:
            _refresh(bench_data, target, data_file)
            _say(f"memory run: {args.soak_seconds} s of mixed load")
            result["memory"] = soak(
                target.url,
                data_file=data_file,
                components=target.components,
                concurrency=args.concurrency,
                seconds=args.soak_seconds,
            )
    json_path = args.out / f"{started_at}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    table = markdown.render(result)
    json_path.with_suffix(".md").write_text(table)
    print(table)
    _say(f"written to {json_path} and {json_path.with_suffix('.md').name}")
    return 0


def _scenario_of(target_name: str) -> str:
    first = target_name.split(" ", 1)[0]
    return "transfer-hot" if first == "hot-wallet" else first


def _drive(
    target: Target, scenario: str, data_file: Path, args: argparse.Namespace
) -> load.LoadRun:
    return load.drive(
        target.url,
        scenario,
        data_file=data_file,
        components=target.components,
        concurrency=args.concurrency,
        seconds=args.seconds,
    )


def _refresh(bench_data: data.BenchData, target: Target, data_file: Path) -> None:
    """Fresh tokens before each phase, so none expires under load on a long run."""
    tokens = asyncio.run(data.login_again(target.url, bench_data))
    bench_data.tokens[:] = tokens
    bench_data.write_lua(data_file)


def _tracing_overhead(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    read = next((e for e in entries if e["scenario"] == "get-customer"), None)
    if read is None:
        return None
    request_cpu_ms = sum(
        v for p, v in read["cpu_ms_per_request"].items() if p not in ("wrk", "postgres")
    )
    hook = bench_tracing.hook_cpu_seconds()
    return {
        "hook_cpu_us_per_request": round(hook * 1e6, 2),
        "request_cpu_ms": round(request_cpu_ms, 3),
        "overhead_percent": round(hook * 1e3 / request_cpu_ms * 100, 2) if request_cpu_ms else None,
    }


def _say(message: str) -> None:
    print(f"bench: {message}", flush=True)
