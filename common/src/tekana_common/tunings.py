"""Every change to how third-party code behaves, each guarded by a test. The process-wide
ones are installed by one call, ``install()``, when a process starts serving:

- grpclib's connections write once per loop turn, not once per frame batch (a call's
  headers, message and trailers were separate system calls; under load those writes were
  the largest single cost in the transaction service's profile):
  ``tests/unit/test_tunings.py`` (``test_writes_in_one_turn_become_one_write``,
  ``test_install_makes_grpclib_connections_coalesce_their_writes``);
- h2 remembers a bounded number of closed streams per connection (65,536 by default,
  several MiB per connection, a steady climb in the benchmark's memory run):
  ``test_connections_remember_a_bounded_number_of_closed_streams``;
- start-up objects are frozen out of the cyclic collector and young collections run less
  often (each request allocates hundreds of short-lived objects, nearly all freed by
  reference counting): ``test_install_freezes_what_start_up_built``.

One applies to each gRPC server, by ``grpc_server.build_server``:

- a server answers an unknown method only after its request listener has checked the
  internal token, so a caller without it cannot tell which methods exist
  (``authenticate_before_routing``): ``tests/unit/test_internal_calls.py``
  (``test_without_the_token_unknown_methods_answer_like_known_ones``).
"""

import asyncio
import gc
from typing import Any

from google.protobuf.empty_pb2 import Empty
from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError
from grpclib.protocol import H2Protocol
from grpclib.server import Server, Stream
from h2.connection import H2Connection

# Enough for any late frame of a unary call.
CLOSED_STREAMS_REMEMBERED = 4_096
YOUNG_THRESHOLD = 20_000


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


def install() -> None:
    """Install every tuning (idempotent): call it once start-up has built what lives as long
    as the process, before the first connection."""
    if not getattr(H2Protocol.connection_made, "_tekana_coalescing", False):
        original = H2Protocol.connection_made

        def connection_made(self: H2Protocol, transport: asyncio.BaseTransport) -> None:
            wrapped: Any = CoalescingTransport(transport)  # type: ignore[arg-type]
            original(self, wrapped)

        connection_made._tekana_coalescing = True  # type: ignore[attr-defined]
        H2Protocol.connection_made = connection_made  # type: ignore[method-assign]
    H2Connection.MAX_CLOSED_STREAMS = CLOSED_STREAMS_REMEMBERED
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


class _EveryPath(dict[str, Handler]):
    """A server's method table that has an entry for every path: unknown ones are answered
    UNIMPLEMENTED by a handler of their own, after the request listener has checked the
    internal token, so a caller without it cannot tell which methods exist."""

    def get(self, path: str, default: Any = None) -> Handler:
        return super().get(path) or _UNKNOWN_METHOD


async def _method_not_found(stream: Stream[Any, Any]) -> None:
    raise GRPCError(Status.UNIMPLEMENTED, "Method not found")


_UNKNOWN_METHOD = Handler(_method_not_found, Cardinality.UNARY_UNARY, Empty, Empty)


def authenticate_before_routing(server: Server) -> Server:
    """Make ``server`` run its request listener (the token check) for unknown methods too.
    grpclib answers a path missing from its table before any event; ``_mapping`` is the
    table it reads (guarded by ``test_internal_calls``)."""
    server._mapping = _EveryPath(server._mapping)
    return server
