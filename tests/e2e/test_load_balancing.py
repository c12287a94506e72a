"""Two gateways behind Debian's nginx, configured as the ingress is (round robin, the next
upstream tried on error): one gateway is SIGKILLed under load and no GET fails."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.support.api import new_customer
from tests.support.nginx import nginx
from tests.support.platform import Platform, free_port

LOAD_SECONDS = 6.0
KILL_AFTER_SECONDS = 2.0
WORKERS = 4


@dataclass
class Gateway:
    process: subprocess.Popen[bytes]
    port: int
    log: Path


@pytest.fixture
def gateways(platform: Platform, tmp_path: Path) -> Iterator[list[Gateway]]:
    state = platform.state_dir
    started: list[Gateway] = []
    for n in range(2):
        port = free_port()
        env = dict(
            os.environ,
            TEKANA_HTTP_PORT=str(port),
            TEKANA_REDIS_URL="",
            TEKANA_LOG_FORMAT="json",
            TEKANA_INTERNAL_TOKEN=(state / "internal-token").read_text().strip(),
            TEKANA_JWT_PUBLIC_KEY_FILE=str(state / "jwt-ed25519.pub.pem"),
            **{
                f"TEKANA_{name.upper()}_ADDR": f"127.0.0.1:{p}"
                for name, p in platform.service_ports.items()
            },
        )
        log_path = tmp_path / f"gateway-{n}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "tekana_gateway"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(Gateway(process, port, log_path))
    yield started
    for gateway in started:
        if gateway.process.poll() is None:
            gateway.process.send_signal(signal.SIGTERM)
            gateway.process.wait(timeout=15)


@pytest.fixture
def balancer(gateways: list[Gateway], tmp_path: Path) -> Iterator[int]:
    """nginx in front of both gateways; its port."""
    listen = free_port()
    with nginx(tmp_path, listen, [f"127.0.0.1:{g.port}" for g in gateways]):
        yield listen


async def wait_answering(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


async def test_no_get_fails_when_a_gateway_dies_under_load(
    http: aiohttp.ClientSession, gateways: list[Gateway], balancer: int
) -> None:
    for gateway in gateways:
        await wait_answering(f"http://127.0.0.1:{gateway.port}/health")
    listen = balancer
    await wait_answering(f"http://127.0.0.1:{listen}/health")
    customer = await new_customer(http)
    outcomes: list[int] = []
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + LOAD_SECONDS

    async def worker(session: aiohttp.ClientSession) -> None:
        while loop.time() < stop_at:
            async with session.get("/v1/customers/me", headers=customer.auth) as response:
                outcomes.append(response.status)

    async def kill_one() -> None:
        await asyncio.sleep(KILL_AFTER_SECONDS)
        gateways[0].process.send_signal(signal.SIGKILL)

    async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{listen}") as session:
        await asyncio.gather(kill_one(), *(worker(session) for _ in range(WORKERS)))
    assert gateways[0].process.wait(timeout=5) == -signal.SIGKILL
    assert len(outcomes) > 100
    assert {status for status in outcomes} == {200}
    served = [g.log.read_text().count('"http_request"') for g in gateways]
    assert all(count > 10 for count in served), f"round robin reached both: {served}"
