"""``./taskw bench:pgbench``: the transfers per second PostgreSQL alone reaches on this machine,
for random pairs of wallets and for one hot receiving wallet, with pgbench running
bench/pgbench/*.sql. The platform's benchmark states its figures as ratios of these."""

import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from tekana_common.settings import DEFAULT_DATABASE_URL
from tekana_devstack.paths import REPO_ROOT

SCRIPTS = REPO_ROOT / "bench" / "pgbench"
WALLETS = 20_000
INITIAL_BALANCE = 10**12
_TPS = re.compile(r"tps = ([0-9.]+) \(without initial connection time\)")


@dataclass(frozen=True)
class Ceiling:
    scenario: str
    tps: float
    clients: int
    seconds: int


def _psql_args(server_url: str, database: str) -> list[str]:
    parts = urlsplit(server_url)
    return [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-d",
        database,
    ]


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


@contextmanager
def prepared(server_url: str = DEFAULT_DATABASE_URL) -> Iterator["Pgbench"]:
    """A scratch database with the benchmark schema and seeded wallets, dropped afterwards."""
    psql, pgbench = shutil.which("psql"), shutil.which("pgbench")
    if psql is None or pgbench is None:
        raise RuntimeError("psql and pgbench are needed: apt-get install postgresql-client")
    database = f"tekana_pgbench_{uuid.uuid4().hex[:8]}"
    admin = _psql_args(server_url, "postgres")
    _run([psql, *admin, "-qc", f'CREATE DATABASE "{database}"'])
    try:
        target = _psql_args(server_url, database)
        strict = [psql, *target, "-q", "-v", "ON_ERROR_STOP=1"]
        _run([*strict, "-f", str(SCRIPTS / "schema.sql")])
        _run(
            [
                *strict,
                "-v",
                f"wallets={WALLETS}",
                "-v",
                f"balance={INITIAL_BALANCE}",
                "-f",
                str(SCRIPTS / "seed.sql"),
            ]
        )
        _run([psql, *target, "-qc", "VACUUM ANALYZE"])
        yield Pgbench(pgbench, target, database)
    finally:
        _run([psql, *admin, "-qc", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'])


@dataclass(frozen=True)
class Pgbench:
    program: str
    target: list[str]
    database: str

    def run(self, scenario: str, *, clients: int, seconds: int) -> Ceiling:
        """``scenario`` is a script in bench/pgbench: transfer-random or transfer-hot. Fewer
        clients than asked when the server has fewer connections free (a margin kept)."""
        free = int(
            _run(
                [
                    "psql",
                    *self.target,
                    "-Atc",
                    "SELECT current_setting('max_connections')::int"
                    " - current_setting('superuser_reserved_connections')::int - count(*)"
                    " FROM pg_stat_activity",
                ]
            ).strip()
        )
        clients = max(1, min(clients, free - 4))
        output = _run(
            [
                self.program,
                *self.target[:-2],
                "-n",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(seconds),
                "-D",
                f"wallets={WALLETS}",
                "-f",
                str(SCRIPTS / f"{scenario}.sql"),
                self.database,
            ]
        )
        match = _TPS.search(output)
        if match is None:
            raise RuntimeError(f"pgbench printed no tps: {output[-500:]}")
        return Ceiling(scenario, float(match.group(1)), clients, seconds)


def measure(
    server_url: str = DEFAULT_DATABASE_URL, *, clients: int = 64, seconds: int = 10
) -> list[Ceiling]:
    with prepared(server_url) as bench:
        return [
            bench.run(scenario, clients=clients, seconds=seconds)
            for scenario in ("transfer-random", "transfer-hot")
        ]


def run() -> int:
    ceilings = measure()
    print(json.dumps([c.__dict__ for c in ceilings], indent=2))
    return 0
