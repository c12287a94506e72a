"""PostgreSQL failover for the fault campaign: the primary commits synchronously to a
streaming standby (an acknowledged commit is on both), the services reach whichever is
primary through a TCP forwarder that stands for a Kubernetes Service (CloudNativePG's
``-rw``), and the failover crashes the primary, promotes the standby and moves the
forwarder, cutting every connection it carried as a moved endpoint would."""

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from tekana_common.db import database_url
from tekana_devstack.postgres import PrivateCluster, start_standby

# Any standby counts as the synchronous one: there is one.
PRIMARY_SETTINGS = ("synchronous_standby_names='*'", "synchronous_commit=on")
# Promoted, it must not wait for a standby of its own, which nothing starts.
STANDBY_SETTINGS = ("synchronous_standby_names=''",)
SYNC_WAIT_SECONDS = 30.0


@dataclass
class Forwarder:
    """Connections to ``port`` on 127.0.0.1 go on to ``target`` there."""

    target: int
    port: int = 0
    _server: asyncio.Server | None = None
    _open: set[asyncio.StreamWriter] = field(default_factory=set)
    _carrying: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._carry, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _carry(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._carrying.add(task)
        task.add_done_callback(self._carrying.discard)
        try:
            server_in, server_out = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            client_out.close()
            return
        self._open |= {client_out, server_out}
        try:
            await asyncio.gather(
                _pump(client_in, server_out), _pump(server_in, client_out), return_exceptions=True
            )
        finally:
            for writer in (client_out, server_out):
                self._open.discard(writer)
                writer.close()

    def move(self, target: int) -> None:
        """New connections go to ``target``; those open now are cut."""
        self.target = target
        for writer in list(self._open):
            writer.transport.abort()

    async def close(self) -> None:
        """Take no more connections, cut those open, and wait until each is let go of."""
        if self._server is not None:
            self._server.close()
        self.move(self.target)
        await asyncio.gather(*self._carrying, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    with contextlib.suppress(ConnectionError, OSError, RuntimeError):
        writer.write_eof()


async def wait_synchronous(primary: PrivateCluster) -> None:
    """Until the primary has a standby in synchronous replication."""
    deadline = time.monotonic() + SYNC_WAIT_SECONDS
    conn = await asyncpg.connect(database_url(primary.url, "postgres"))
    try:
        while time.monotonic() < deadline:
            states = await conn.fetch("SELECT sync_state FROM pg_stat_replication")
            if any(r["sync_state"] == "sync" for r in states):
                return
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise RuntimeError(f"no synchronous standby within {SYNC_WAIT_SECONDS:.0f} s")


def standby_of(primary: PrivateCluster, data_dir: Path, port: int) -> PrivateCluster:
    return start_standby(primary, data_dir, port, STANDBY_SETTINGS)


async def fail_over(primary: PrivateCluster, standby: PrivateCluster, forwarder: Forwarder) -> None:
    """The primary crashes (what it had not yet sent its standby dies with it: nothing
    acknowledged, as commits wait for the standby), the standby is promoted, and the
    forwarder moves to it."""
    await asyncio.to_thread(primary.stop, "immediate")
    await asyncio.to_thread(standby.promote)
    forwarder.move(standby.port)
