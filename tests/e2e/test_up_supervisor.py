"""``up`` supervises: a process that dies is started again (with a line saying so), and the
platform keeps serving; only Ctrl-C, or a process failing again and again, stops it."""

import asyncio
import os
import signal
from pathlib import Path

import aiohttp

from tests.support.api import new_customer
from tests.support.platform import Platform


def _child_pid(parent: int, module: str) -> int:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and module.encode() in cmdline:
            return int(entry.name)
    raise AssertionError(f"no {module} under process {parent}")


async def _ready(http: aiohttp.ClientSession) -> bool:
    try:
        async with http.get("/ready") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


async def test_a_killed_service_is_restarted_and_the_platform_serves_on(
    http: aiohttp.ClientSession, platform: Platform
) -> None:
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 100)
    wallet = _child_pid(platform.process.pid, "tekana_wallet")
    os.kill(wallet, signal.SIGKILL)
    async with asyncio.timeout(30):
        for _ in range(300):
            if "component_restarted" in platform.logs() and await _ready(http):
                break
            await asyncio.sleep(0.2)
    assert _child_pid(platform.process.pid, "tekana_wallet") != wallet
    assert platform.process.poll() is None
    assert (await ann.transfer(a, b, 10)).status == 201
    logs = platform.logs()
    assert '"component_exited_restarting"' in logs
    assert '"component":"wallet"' in logs.replace(" ", "")
