"""Single service processes started, SIGKILLed and restarted by a test, on fresh databases."""

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grpclib.client import Channel
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana_common.settings import Transport
from tests.support.database import server_url
from tests.support.grpc import INTERNAL_TOKEN
from tests.support.platform import free_port

STARTUP_TIMEOUT_SECONDS = 30


@dataclass
class ServiceProcess:
    name: str
    module: str
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def _env(self, extra: dict[str, str]) -> dict[str, str]:
        return dict(os.environ, **self.env, TEKANA_GRPC_PORT=str(self.port), **extra)

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", self.module, "migrate"], env=self._env({}), check=True
        )

    def spawn(self, **extra_env: str) -> None:
        self.starts += 1
        with (self.log_dir / f"{self.name}-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                env=self._env(extra_env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self, **extra_env: str) -> None:
        self.spawn(**extra_env)
        await self.wait_serving()

    async def wait_serving(self, transport: Transport | None = None) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_TIMEOUT_SECONDS
        while loop.time() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited during startup")
            if await _serving(self.port, transport):
                return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start serving")

    def wait_killed(self, timeout: float = 10) -> int:
        """The exit status of a process expected to have killed itself (a fault point)."""
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)


def ledger_services(log_dir: Path, database_prefix: str) -> tuple[ServiceProcess, ServiceProcess]:
    """The wallet and transaction services, wired to each other, with fast recovery."""
    common = {
        "TEKANA_DATABASE_URL": server_url(),
        "TEKANA_LOG_FORMAT": "json",
        "TEKANA_INTERNAL_TOKEN": INTERNAL_TOKEN,
    }
    wallet = ServiceProcess(
        "wallet",
        "tekana_wallet",
        {**common, "TEKANA_DATABASE_NAME": f"{database_prefix}_wallet"},
        log_dir,
    )
    transaction = ServiceProcess(
        "transaction",
        "tekana_transaction",
        {
            **common,
            "TEKANA_DATABASE_NAME": f"{database_prefix}_transaction",
            "TEKANA_WALLET_ADDR": f"127.0.0.1:{wallet.port}",
            "TEKANA_WALLET_TIMEOUT": "3",
            "TEKANA_ALLOW_TEST_DEPOSITS": "true",
            "TEKANA_RECOVERY_AGE_SECONDS": "0.5",
            "TEKANA_RECOVERY_INTERVAL_SECONDS": "0.2",
        },
        log_dir,
    )
    return wallet, transaction


async def _serving(port: int, transport: Transport | None) -> bool:
    tls = transport.client_ssl() if transport else None
    channel = Channel("127.0.0.1", port, ssl=tls)
    try:
        reply = await HealthStub(channel).Check(HealthCheckRequest(), timeout=1)
    except (OSError, TimeoutError, GRPCError, StreamTerminatedError):
        return False
    finally:
        channel.close()
    return bool(reply.status == HealthCheckResponse.SERVING)
