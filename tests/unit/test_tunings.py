"""Writes made during one turn of the event loop leave as one write, in order."""

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

from tekana_common.tunings import CoalescingTransport


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str) -> Any:
        return f"info:{name}"


async def test_writes_in_one_turn_become_one_write() -> None:
    inner = RecordingTransport()
    transport = CoalescingTransport(inner)  # type: ignore[arg-type]
    transport.write(b"headers")
    transport.write(b"")
    transport.write(b"data")
    assert inner.writes == []
    assert transport.get_write_buffer_size() == len(b"headersdata")
    await asyncio.sleep(0)
    assert inner.writes == [b"headersdata"]
    transport.write(b"trailers")
    await asyncio.sleep(0)
    assert inner.writes == [b"headersdata", b"trailers"]


async def test_close_sends_what_is_pending_first() -> None:
    inner = RecordingTransport()
    transport = CoalescingTransport(inner)  # type: ignore[arg-type]
    transport.write(b"goaway")
    transport.close()
    assert inner.writes == [b"goaway"]
    assert inner.closed
    await asyncio.sleep(0)
    assert inner.writes == [b"goaway"]


async def test_everything_else_is_the_transports() -> None:
    transport = CoalescingTransport(RecordingTransport())  # type: ignore[arg-type]
    assert transport.get_extra_info("peername") == "info:peername"


def test_connections_remember_a_bounded_number_of_closed_streams() -> None:
    from h2.connection import H2Connection

    from tekana_common.tunings import CLOSED_STREAMS_REMEMBERED, install

    with _restored_gc():
        install()
    assert H2Connection.MAX_CLOSED_STREAMS == CLOSED_STREAMS_REMEMBERED
    closed = H2Connection()._closed_streams
    for stream_id in range(1, 2 * CLOSED_STREAMS_REMEMBERED, 2):
        closed[stream_id] = None
    assert len(closed) == CLOSED_STREAMS_REMEMBERED


async def test_install_makes_grpclib_connections_coalesce_their_writes() -> None:
    from grpclib.client import Channel
    from grpclib.health.service import Health
    from grpclib.health.v1.health_grpc import HealthStub
    from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
    from grpclib.server import Server

    from tekana_common.tunings import install

    with _restored_gc():
        install()
        install()  # idempotent: one wrapper, not two
    server = Server([Health()])
    await server.start("127.0.0.1", 0)
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    channel = Channel("127.0.0.1", port)
    try:
        reply = await HealthStub(channel).Check(HealthCheckRequest())
        assert reply.status == HealthCheckResponse.SERVING
        # grpclib's own connection object holds the transport its protocol was given.
        transport = channel._protocol.connection._transport  # type: ignore[union-attr]
        assert isinstance(transport, CoalescingTransport)
        assert not isinstance(transport._transport, CoalescingTransport)
    finally:
        channel.close()
        server.close()
        await server.wait_closed()


def test_install_freezes_what_start_up_built() -> None:
    import gc

    from tekana_common.tunings import YOUNG_THRESHOLD, install

    with _restored_gc():
        install()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD


@contextlib.contextmanager
def _restored_gc() -> Iterator[None]:
    """The collector as it was: the rest of the test run is not a serving process."""
    import gc

    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
