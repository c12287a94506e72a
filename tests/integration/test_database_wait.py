"""A migration waits for a database that is not there yet (decision 0026), and no longer
than it was told."""

import asyncio
import contextlib
import socket
import time
from urllib.parse import urlsplit

import pytest

from tekana_common.runtime import wait_for_database
from tests.support.database import server_url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def _forward_to_postgres(port: int) -> asyncio.Server:
    """A port that reaches the real PostgreSQL, opened only when this is called."""
    target = urlsplit(server_url())

    async def connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            target.hostname, target.port or 5432
        )
        await asyncio.gather(_relay(reader, upstream_writer), _relay(upstream_reader, writer))

    return await asyncio.start_server(connect, "127.0.0.1", port)


def _url_on(port: int) -> str:
    target = urlsplit(server_url())
    user = f"{target.username}@" if target.username else ""
    return f"postgresql://{user}127.0.0.1:{port}"


async def test_waits_until_the_server_accepts_connections() -> None:
    port = _free_port()
    waiting = asyncio.create_task(wait_for_database(_url_on(port), None, seconds=30))
    await asyncio.sleep(2.5)
    assert not waiting.done()  # nothing listens yet: still waiting, not failed
    server = await _forward_to_postgres(port)
    try:
        await asyncio.wait_for(waiting, timeout=10)
    finally:
        server.close()


async def test_gives_up_after_the_time_it_was_given() -> None:
    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        await wait_for_database(_url_on(_free_port()), None, seconds=2)
    assert 2 <= time.monotonic() - started < 10


async def test_a_name_that_does_not_resolve_is_waited_for_too() -> None:
    with pytest.raises(socket.gaierror):
        await wait_for_database("postgresql://tekana@db.invalid:5432", None, seconds=1)
