"""The real platform, started as ``./taskw up`` starts it, on free ports and fresh databases."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.database import server_url, unique_name

READY_TIMEOUT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Platform:
    process: subprocess.Popen[bytes]
    base_url: str
    database_prefix: str
    state_dir: Path
    log_path: Path
    service_ports: dict[str, int]
    metrics_ports: dict[str, int]

    @property
    def private_key_pem(self) -> bytes:
        return (self.state_dir / "jwt-ed25519.pem").read_bytes()

    def service_env(self, service: str) -> dict[str, str]:
        return dict(
            os.environ,
            TEKANA_DATABASE_URL=server_url(),
            TEKANA_DATABASE_NAME=f"{self.database_prefix}_{service}",
            TEKANA_NATIONAL_ID_KEYS_FILE=str(self.state_dir / "national-id-keys.json"),
        )

    def create_admin(self, email: str, password: str) -> str:
        """An administrator made with the customer service's CLI; what the CLI printed."""
        created = subprocess.run(
            [
                sys.executable,
                "-m",
                "tekana_customer",
                "create-admin",
                f"--email={email}",
                "--full-name=Ada Admin",
                "--national-id=1",
                "--gender=F",
            ],
            env=dict(self.service_env("customer"), TEKANA_ADMIN_PASSWORD=password),
            capture_output=True,
            check=False,
        )
        assert created.returncode == 0, created.stderr.decode()
        return created.stdout.decode()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        """Ctrl-C, as a person would; the exit status of ``up``."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def start_platform(
    state_dir: Path, *, database_prefix: str | None = None, **extra_env: str
) -> Platform:
    """``up`` on fresh databases, or on those of ``database_prefix`` (an imported copy)."""
    prefix = database_prefix or unique_name("tekana_e2e")
    gateway_port = free_port()
    ports = {name: free_port() for name in ("customer", "wallet", "transaction")}
    metrics = {name: free_port() for name in ("gateway", "customer", "wallet", "transaction")}
    log_path = state_dir / "platform.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tekana_devstack",
                "up",
                f"--gateway-port={gateway_port}",
                f"--customer-port={ports['customer']}",
                f"--wallet-port={ports['wallet']}",
                f"--transaction-port={ports['transaction']}",
                *(f"--{name}-metrics-port={port}" for name, port in metrics.items()),
                f"--database-prefix={prefix}",
                f"--state-dir={state_dir}",
            ],
            env=dict(
                os.environ,
                TEKANA_DATABASE_URL=server_url(),
                TEKANA_LOG_FORMAT="json",
                # The suite registers and logs in far more often than a person; the limits
                # themselves are tested on a Redis of their own.
                TEKANA_RATE_LIMIT_PER_ADDRESS="1000000",
                TEKANA_RATE_LIMIT_PER_EMAIL="1000000",
                **extra_env,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    platform = Platform(
        process, f"http://127.0.0.1:{gateway_port}", prefix, state_dir, log_path, ports, metrics
    )
    _wait_ready(platform)
    return platform


def _wait_ready(platform: Platform) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if platform.process.poll() is not None:
            raise RuntimeError(f"the platform exited early:\n{platform.logs()}")
        try:
            with urllib.request.urlopen(f"{platform.base_url}/ready", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    platform.stop()
    raise RuntimeError(f"the platform was not ready in time:\n{platform.logs()}")
