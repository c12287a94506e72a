"""Find a PostgreSQL for ``up``: the configured one, the machine's, or a private cluster."""

import asyncio
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tekana_common.db import database_url
from tekana_common.settings import DEFAULT_DATABASE_URL

PRIVATE_PORT = 55432


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL answers and none can be started here."""


@dataclass
class PrivateCluster:
    """A cluster under ``.tekana/`` that ``up`` started and will stop."""

    bin_dir: Path
    data_dir: Path
    run_as: str | None
    port: int = PRIVATE_PORT
    # More server settings (``-c name=value``), e.g. TLS for a test.
    settings: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1",
                *(f"-c {setting}" for setting in self.settings),
            ]
        )
        self._pg_ctl("start", "-w", "-o", options, "-l", str(self.data_dir / "server.log"))

    def stop(self, mode: str = "fast") -> None:
        """``fast`` cuts every connection and checkpoints; ``immediate`` is a crash."""
        self._pg_ctl("stop", "-m", mode)

    def running(self) -> bool:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status"]
        done = subprocess.run(_as_user(command, self.run_as), check=False, capture_output=True)
        return done.returncode == 0

    def promote(self) -> None:
        """A standby becomes a primary (and waits until it takes writes)."""
        self._pg_ctl("promote", "-w")

    def restart(self) -> None:
        """Fast shutdown (every connection is cut) and start again."""
        self.stop()
        self.start()

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args]
        subprocess.run(_as_user(command, self.run_as), check=True, stdout=subprocess.DEVNULL)


async def answers(url: str) -> bool:
    try:
        conn = await asyncpg.connect(database_url(url, "postgres"), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def resolve(state_dir: Path) -> tuple[str, PrivateCluster | None]:
    """The server URL to use, and the private cluster started for it, if any."""
    configured = os.environ.get("TEKANA_DATABASE_URL")
    url = configured or DEFAULT_DATABASE_URL
    if asyncio.run(answers(url)):
        return url, None
    if configured:
        raise PostgresUnavailable(f"PostgreSQL at TEKANA_DATABASE_URL does not answer ({url})")
    bin_dir = server_binaries()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL answers on 127.0.0.1:5432 and none is installed: "
            "install it (apt-get install postgresql) or set TEKANA_DATABASE_URL"
        )
    cluster = start_private(bin_dir, state_dir / "pgdata")
    return cluster.url, cluster


def server_binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_user(command: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def start_private(
    bin_dir: Path, data_dir: Path, port: int = PRIVATE_PORT, settings: tuple[str, ...] = ()
) -> PrivateCluster:
    # PostgreSQL refuses to run as root; the distribution's postgres user runs it then.
    run_as = "postgres" if os.geteuid() == 0 else None
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "PG_VERSION").exists():
        data_dir.mkdir(exist_ok=True)
        if run_as:
            entry = pwd.getpwnam(run_as)
            os.chown(data_dir, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            _as_user(
                [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "-A", "trust"],
                run_as,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    cluster = PrivateCluster(
        bin_dir=bin_dir, data_dir=data_dir, run_as=run_as, port=port, settings=settings
    )
    cluster.start()
    return cluster


def start_standby(
    primary: PrivateCluster, data_dir: Path, port: int, settings: tuple[str, ...] = ()
) -> PrivateCluster:
    """A streaming standby of ``primary``: a base backup taken over the replication
    protocol, started with the settings to follow it (``-R``)."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(mode=0o700)
    if primary.run_as:
        entry = pwd.getpwnam(primary.run_as)
        os.chown(data_dir, entry.pw_uid, entry.pw_gid)
    backup = [
        str(primary.bin_dir / "pg_basebackup"),
        "-D", str(data_dir), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        "-R", "-X", "stream", "-c", "fast",
    ]  # fmt: skip
    # Its notes about the primary's socket file, which it rightly skips, are noise.
    done = subprocess.run(_as_user(backup, primary.run_as), check=False, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"pg_basebackup: {done.stderr.decode(errors='replace')[-2000:]}")
    standby = PrivateCluster(
        bin_dir=primary.bin_dir,
        data_dir=data_dir,
        run_as=primary.run_as,
        port=port,
        settings=settings,
    )
    standby.start()
    return standby
