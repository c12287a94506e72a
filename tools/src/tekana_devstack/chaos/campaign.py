"""The fault campaign: a private PostgreSQL primary with a synchronous standby, the four
processes, a steady transfer load, one fault after another (the last a failover to the
standby), then the verdict from the databases of the primary that is left."""

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from tekana_common.db import database_url
from tekana_devstack import invariants, seed
from tekana_devstack.bench.data import login
from tekana_devstack.bench.platform import wait_ready
from tekana_devstack.bench.processes import free_port
from tekana_devstack.chaos import failover
from tekana_devstack.chaos.load import Observations, Sender, run_load
from tekana_devstack.chaos.supervisor import Supervisor
from tekana_devstack.paths import REPO_ROOT
from tekana_devstack.postgres import PrivateCluster, server_binaries, start_private

PREFIX = "tekana_chaos"
# Deadlines short enough that a paused process outlives them within a short campaign.
UPSTREAM_TIMEOUT_SECONDS = 2.0
WALLET_TIMEOUT_SECONDS = 1.5
SETTLE_LIMIT_SECONDS = 90.0


@dataclass(frozen=True)
class Fault:
    kind: str  # SIGKILL, SIGSTOP, restart or failover
    target: str


FAULTS = (
    Fault("SIGKILL", "gateway"),
    Fault("SIGKILL", "customer"),
    Fault("SIGKILL", "wallet"),
    Fault("SIGKILL", "transaction"),
    Fault("restart", "postgres"),
    Fault("SIGSTOP", "wallet"),
    Fault("SIGSTOP", "transaction"),
    # Last: the standby promoted has no standby of its own.
    Fault("failover", "postgres"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=16, help="concurrent transfer clients")
    parser.add_argument("--steady-seconds", type=float, default=8.0, help="load between faults")
    parser.add_argument(
        "--pause-seconds", type=float, default=5.0, help="SIGSTOP length (past every deadline)"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")


def run(args: argparse.Namespace) -> int:
    # Stopped by SIGTERM too, the campaign still stops its processes and its cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = campaign(args.workers, args.steady_seconds, args.pause_seconds)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"chaos-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    print(f"chaos: written to {path}")
    return 0 if report["passed"] else 1


def campaign(workers: int, steady: float, pause: float) -> dict[str, Any]:
    bin_dir = server_binaries()
    if bin_dir is None:
        raise RuntimeError("the campaign needs PostgreSQL's server programs (initdb, pg_ctl)")
    with tempfile.TemporaryDirectory() as scratch:
        state = Path(scratch)
        state.chmod(0o755)  # the cluster runs as the postgres user when we are root
        cluster = start_private(
            bin_dir, state / "pgdata", port=free_port(), settings=failover.PRIMARY_SETTINGS
        )
        try:
            standby = failover.standby_of(cluster, state / "standby", free_port())
        except BaseException:
            cluster.stop()
            raise
        # The services reach the primary as they would through a Service.
        forwarder = failover.Forwarder(target=cluster.port, port=free_port())
        supervisor = Supervisor(
            forwarder.url,
            state,
            timeouts={
                "TEKANA_UPSTREAM_TIMEOUT": str(UPSTREAM_TIMEOUT_SECONDS),
                "TEKANA_WALLET_TIMEOUT": str(WALLET_TIMEOUT_SECONDS),
                "TEKANA_RECOVERY_AGE_SECONDS": "2",
                "TEKANA_RECOVERY_INTERVAL_SECONDS": "1",
            },
        )
        servers = Servers(cluster, standby, forwarder)
        try:
            report = asyncio.run(_campaign(servers, supervisor, workers, steady, pause))
        finally:
            supervisor.stop_all()
            for server in (cluster, standby):
                if server.running():  # the primary is gone after the failover
                    server.stop()
        report["component_errors"] = supervisor.logged_errors()
        return report


@dataclass(frozen=True)
class Servers:
    primary: PrivateCluster
    standby: PrivateCluster
    forwarder: failover.Forwarder

    @property
    def url(self) -> str:
        """Whichever is primary, through the forwarder."""
        return self.forwarder.url


async def _campaign(
    servers: Servers, supervisor: Supervisor, workers: int, steady: float, pause: float
) -> dict[str, Any]:
    await servers.forwarder.start()
    try:
        await failover.wait_synchronous(servers.primary)
        return await _faults(servers, supervisor, workers, steady, pause)
    finally:
        await servers.forwarder.close()


async def _faults(
    servers: Servers, supervisor: Supervisor, workers: int, steady: float, pause: float
) -> dict[str, Any]:
    await asyncio.to_thread(supervisor.migrate)
    await asyncio.to_thread(supervisor.start_all)
    seeded = await seed.seed(
        servers.url, PREFIX, customers=workers + 20, cipher=seed.cipher_for(supervisor.state_dir)
    )
    owners = sorted(seeded.emails)[:workers]
    first_wallet: dict[int, str] = {}
    for owner, account in seeded.accounts:
        first_wallet.setdefault(owner, account)
    tokens = await login(supervisor.url, [seeded.emails[o] for o in owners])
    senders = [Sender(o, t, first_wallet[o]) for o, t in zip(owners, tokens, strict=True)]
    receivers = [a for _, a in seeded.accounts]
    stop = asyncio.Event()
    load = asyncio.create_task(run_load(supervisor.url, senders, receivers, stop))
    started = time.monotonic()
    await asyncio.sleep(steady)
    injected: list[tuple[Fault, float, float]] = []  # fault, injected at, fault over at
    for fault in FAULTS:
        at = time.monotonic()
        await _inject(fault, servers, supervisor, pause)
        injected.append((fault, at, time.monotonic()))
        await asyncio.sleep(steady)
    stop.set()
    seen = await load
    settle_started = time.monotonic()
    pending = await _settle(servers.url)
    settle_seconds = time.monotonic() - settle_started
    checks = await _verdict(servers.url, seen, pending)
    checks["verdict_read_from_the_promoted_standby"] = await _promoted(servers)
    return {
        "workers": workers,
        "steady_seconds": steady,
        "pause_seconds": pause,
        "deadlines": {
            "gateway_upstream_seconds": UPSTREAM_TIMEOUT_SECONDS,
            "transaction_to_wallet_seconds": WALLET_TIMEOUT_SECONDS,
        },
        "duration_seconds": round(time.monotonic() - started, 1),
        "faults": _fault_reports(injected, seen),
        "acknowledged": len(seen.acknowledged),
        "acknowledged_pending": sum(a.pending for a in seen.acknowledged),
        "abandoned": len(seen.abandoned),
        "client_errors": len(seen.errors),
        "settle_seconds": round(settle_seconds, 1),
        "checks": checks,
        "passed": all(not problems for problems in checks.values()),
    }


async def _inject(fault: Fault, servers: Servers, supervisor: Supervisor, pause: float) -> None:
    if fault.kind == "SIGKILL":
        supervisor.kill(fault.target)
        supervisor.start(fault.target)
        await asyncio.to_thread(wait_ready, supervisor.url)
    elif fault.kind == "SIGSTOP":
        supervisor.pause(fault.target)
        await asyncio.sleep(pause)
        supervisor.resume(fault.target)
    elif fault.kind == "failover":
        await failover.fail_over(servers.primary, servers.standby, servers.forwarder)
        await asyncio.to_thread(wait_ready, supervisor.url)
    else:
        await asyncio.to_thread(servers.primary.restart)
        await failover.wait_synchronous(servers.primary)
        await asyncio.to_thread(wait_ready, supervisor.url)
    dead = [name for name, alive in supervisor.alive().items() if not alive]
    if dead:
        raise RuntimeError(f"after {fault.kind} {fault.target}, {dead} exited")


def _fault_reports(
    injected: list[tuple[Fault, float, float]], seen: Observations
) -> list[dict[str, Any]]:
    reports = []
    for i, (fault, at, over) in enumerate(injected):
        until = injected[i + 1][1] if i + 1 < len(injected) else float("inf")
        errors = Counter(what for when, what in seen.errors if at <= when < until)
        fresh = [a.acknowledged for a in seen.acknowledged if a.first_try >= at]
        recovered = min(fresh) - at if fresh else None
        reports.append(
            {
                "fault": fault.kind,
                "target": fault.target,
                "fault_seconds": round(over - at, 2),
                "recovery_seconds": round(recovered, 2) if recovered is not None else None,
                "client_errors": sum(errors.values()),
                "client_errors_by_kind": dict(errors.most_common()),
            }
        )
    return reports


async def _promoted(servers: Servers) -> list[str]:
    """Problems unless what the services (and the verdict) reach is the standby, promoted:
    the failover happened, and the books above are the new primary's."""
    conn = await asyncpg.connect(database_url(servers.url, "postgres"))
    try:
        row = await conn.fetchrow("SELECT pg_is_in_recovery() AS r, inet_server_port() AS p")
        in_recovery, port = (row["r"], row["p"]) if row else (None, None)
    finally:
        await conn.close()
    if (in_recovery, port) != (False, servers.standby.port):
        return [f"reached port {port} (in recovery: {in_recovery}), not the promoted standby"]
    return []


async def _settle(server_url: str) -> int:
    """Wait for the recovery loop to finish every pending transaction; how many remain."""
    conn = await asyncpg.connect(database_url(server_url, f"{PREFIX}_transaction"))
    try:
        deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
        while True:
            pending: int = await conn.fetchval(
                "SELECT count(*) FROM \"transaction\" WHERE status = 'pending'"
            )
            if pending == 0 or time.monotonic() > deadline:
                return pending
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def _verdict(server_url: str, seen: Observations, pending: int) -> dict[str, list[str]]:
    conn = await asyncpg.connect(database_url(server_url, f"{PREFIX}_transaction"))
    try:
        rows = await conn.fetch(
            'SELECT legacy_id, initiator_id, idempotency_key, status FROM "transaction"'
            " WHERE idempotency_key = ANY($1::text[])",
            [a.key for a in seen.acknowledged],
        )
    finally:
        await conn.close()
    stored: dict[tuple[int, str], list[asyncpg.Record]] = {}
    for row in rows:
        stored.setdefault((row["initiator_id"], row["idempotency_key"]), []).append(row)
    not_once = []
    for ack in seen.acknowledged:
        found = stored.get((ack.customer_id, ack.key), [])
        # The load moves money on the legacy surface, which answers the integer id.
        if len(found) != 1 or str(found[0]["legacy_id"]) != ack.transaction_id:
            not_once.append(f"{ack.key}: acknowledged as {ack.transaction_id}, stored {len(found)}")
        elif found[0]["status"] != "completed":
            not_once.append(f"{ack.key}: acknowledged but {found[0]['status']}")
    return {
        "acknowledged_present_exactly_once_and_completed": not_once,
        "pending_after_recovery": [f"{pending} still pending"] if pending else [],
        "money_invariants": await invariants.violations(server_url, PREFIX),
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        f"Fault campaign: {report['workers']} clients, {report['acknowledged']} transfers "
        f"acknowledged ({report['acknowledged_pending']} as pending), {report['abandoned']} "
        f"abandoned, settled in {report['settle_seconds']} s",
        "",
        "| fault | target | fault s | recovered after s | client errors | kinds |",
        "|---|---|---:|---:|---:|---|",
    ]
    for f in report["faults"]:
        kinds = "; ".join(f"{k} ×{n}" for k, n in f["client_errors_by_kind"].items()) or "–"
        lines.append(
            f"| {f['fault']} | {f['target']} | {f['fault_seconds']} | {f['recovery_seconds']} | "
            f"{f['client_errors']} | {kinds} |"
        )
    lines.append("")
    for check, problems in report["checks"].items():
        verdict = "ok" if not problems else f"FAILED: {problems[:5]}"
        lines.append(f"- {check}: {verdict}")
    return "\n".join(lines)
