"""Fewer, larger socket writes for grpclib.

grpclib writes every HTTP/2 frame batch as soon as it is produced: a call's headers, its
message and its trailers are separate ``write`` system calls on each side, and on loopback
each one runs the receiver's TCP stack inline. Under load those writes were the largest
single cost in the transaction service's profile. This wraps grpclib's transports so that
writes made during one turn of the event loop go out as one, at the end of that turn.
"""

import asyncio
from typing import Any

from grpclib.protocol import H2Protocol
from h2.connection import H2Connection

# h2 remembers the ids of up to 65,536 closed streams per connection, to answer late frames
# for them properly: several MiB per connection, growing for the first 65,536 calls, which
# the benchmark's memory run showed as a steady climb. A few thousand cover any late frame
# of a unary call.
CLOSED_STREAMS_REMEMBERED = 4_096

_installed = False


class CoalescingTransport:
    """A transport whose ``write`` gathers bytes until the loop's next turn."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._pending: list[bytes] = []
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def _flush(self) -> None:
        if self._pending and not self._transport.is_closing():
            self._transport.write(b"".join(self._pending))
        self._pending.clear()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def coalesce_grpc_writes() -> None:
    """Make every grpclib connection made from now on coalesce its writes and remember
    fewer closed streams (idempotent)."""
    global _installed
    if _installed:
        return
    original = H2Protocol.connection_made

    def connection_made(self: H2Protocol, transport: asyncio.BaseTransport) -> None:
        wrapped: Any = CoalescingTransport(transport)  # type: ignore[arg-type]
        original(self, wrapped)

    H2Protocol.connection_made = connection_made  # type: ignore[method-assign]
    H2Connection.MAX_CLOSED_STREAMS = CLOSED_STREAMS_REMEMBERED
    _installed = True
