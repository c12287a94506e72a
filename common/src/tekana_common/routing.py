"""Unknown gRPC methods answered only after the internal token is checked, so a caller
without it cannot tell which methods a service has."""

from typing import Any

from google.protobuf.empty_pb2 import Empty
from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server, Stream


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
