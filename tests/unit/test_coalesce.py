"""Writes made during one turn of the event loop leave as one write, in order."""

import asyncio
from typing import Any

from tekana_common.coalesce import CoalescingTransport


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

    from tekana_common.coalesce import CLOSED_STREAMS_REMEMBERED, coalesce_grpc_writes

    coalesce_grpc_writes()
    assert H2Connection.MAX_CLOSED_STREAMS == CLOSED_STREAMS_REMEMBERED
    closed = H2Connection()._closed_streams
    for stream_id in range(1, 2 * CLOSED_STREAMS_REMEMBERED, 2):
        closed[stream_id] = None
    assert len(closed) == CLOSED_STREAMS_REMEMBERED
