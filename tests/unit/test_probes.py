"""A service's probes over HTTP on its metrics port: ready while its checks pass and it is
not draining, alive while its loop turns, and its metrics beside them."""

import asyncio
import socket
import urllib.error
import urllib.request

import pytest

from tekana_common import probes


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 (loopback)
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


async def test_ready_follows_the_checks_and_the_drain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probes, "CHECK_SECONDS", 0.05)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    state = probes.Probes()
    probes.serve("127.0.0.1", port, state)
    base = f"http://127.0.0.1:{port}"
    database_up = True

    async def database_answers() -> bool:
        if not database_up:
            raise ConnectionRefusedError
        return True

    following = asyncio.create_task(state.follow([database_answers]))
    try:
        await asyncio.sleep(0.2)
        assert [await asyncio.to_thread(_get, f"{base}{p}") for p in ("/ready", "/live")] == [
            200,
            200,
        ]
        database_up = False
        await asyncio.sleep(0.2)
        assert await asyncio.to_thread(_get, f"{base}/ready") == 503
        assert await asyncio.to_thread(_get, f"{base}/live") == 200  # the outage is not death
        database_up = True
        await asyncio.sleep(0.2)
        assert await asyncio.to_thread(_get, f"{base}/ready") == 200
        state.drain()
        assert await asyncio.to_thread(_get, f"{base}/ready") == 503  # at once
        await asyncio.sleep(0.2)
        assert await asyncio.to_thread(_get, f"{base}/ready") == 503  # and stays so
        assert await asyncio.to_thread(_get, f"{base}/metrics") == 200
    finally:
        following.cancel()
