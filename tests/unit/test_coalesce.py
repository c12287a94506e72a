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
