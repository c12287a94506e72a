"""gRPC plumbing shared by every service and the gateway (grpclib + betterproto2).

- Domain errors become gRPC statuses carrying an ``ErrorDetail`` (stable code) in
  ``grpc-status-details-bin``; clients decode it back.
- The caller and request id travel as metadata: the gateway's channel adds them from
  context variables (``SendRequest``), a service's server puts them back (``RecvRequest``).
"""

from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from typing import Any

from grpclib.client import Channel
from grpclib.const import Status
from grpclib.encoding.base import StatusDetailsCodecBase
from grpclib.events import RecvRequest, SendRequest, listen
from grpclib.exceptions import GRPCError
from grpclib.health.check import ServiceCheck
from grpclib.health.service import Health
from grpclib.server import Server, Stream
from grpclib.utils import graceful_exit

from tekana_common.context import Caller, Role, caller_var, request_id_var
from tekana_common.errors import DomainError, ErrorKind
from tekana_common.logging import get_logger
from tekana_protos.tekana.common.v1 import ErrorDetail
from tekana_protos.tekana.common.v1 import FieldViolation as FieldViolationMessage

log = get_logger(__name__)

REQUEST_ID_KEY = "x-request-id"
CUSTOMER_ID_KEY = "x-tekana-customer-id"
ROLES_KEY = "x-tekana-roles"

STATUS_FOR_KIND: dict[ErrorKind, Status] = {
    ErrorKind.INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
    ErrorKind.NOT_FOUND: Status.NOT_FOUND,
    ErrorKind.ALREADY_EXISTS: Status.ALREADY_EXISTS,
    ErrorKind.CONFLICT: Status.ABORTED,
    ErrorKind.FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
    ErrorKind.PERMISSION_DENIED: Status.PERMISSION_DENIED,
    ErrorKind.UNAUTHENTICATED: Status.UNAUTHENTICATED,
    ErrorKind.UNAVAILABLE: Status.UNAVAILABLE,
    ErrorKind.INTERNAL: Status.INTERNAL,
}


class ErrorDetailCodec(StatusDetailsCodecBase):
    """Encodes ``ErrorDetail`` into ``grpc-status-details-bin`` and back."""

    def encode(self, status: Status, message: str | None, details: Any) -> bytes:
        return bytes(details) if isinstance(details, ErrorDetail) else b""

    def decode(self, status: Status, message: str | None, data: bytes) -> Any:
        return ErrorDetail.parse(data)


def to_grpc_error(error: DomainError) -> GRPCError:
    detail = ErrorDetail(
        code=error.code,
        message=error.message,
        field_violations=[
            FieldViolationMessage(field=v.field, description=v.description)
            for v in error.violations
        ],
    )
    return GRPCError(STATUS_FOR_KIND[error.kind], error.message, detail)


def error_detail(error: GRPCError) -> ErrorDetail | None:
    """The ``ErrorDetail`` a Tekana service attached, if any."""
    return error.details if isinstance(error.details, ErrorDetail) else None


def error_code(error: GRPCError) -> str:
    """The stable code of a Tekana service's error, or empty for any other failure."""
    detail = error_detail(error)
    return detail.code if detail else ""


def caller_from_metadata(metadata: Any) -> Caller | None:
    raw_id = metadata.get(CUSTOMER_ID_KEY)
    if not raw_id:
        return None
    try:
        roles = frozenset(Role(r) for r in metadata.get(ROLES_KEY, "").split(",") if r)
        return Caller(customer_id=int(raw_id), roles=roles or frozenset({Role.CUSTOMER}))
    except ValueError:
        return None


async def on_recv_request(event: RecvRequest) -> None:
    request_id = str(event.metadata.get(REQUEST_ID_KEY, ""))
    caller = caller_from_metadata(event.metadata)
    handler = event.method_func

    async def guarded(stream: Stream[Any, Any]) -> None:
        request_id_var.set(request_id)
        caller_var.set(caller)
        try:
            await handler(stream)
        except DomainError as exc:
            raise to_grpc_error(exc) from None

    event.method_func = guarded


async def _on_send_request(event: SendRequest) -> None:
    request_id = request_id_var.get()
    if request_id:
        event.metadata[REQUEST_ID_KEY] = request_id
    caller = caller_var.get()
    if caller is not None:
        event.metadata[CUSTOMER_ID_KEY] = str(caller.customer_id)
        event.metadata[ROLES_KEY] = ",".join(sorted(caller.roles))


def instrument_channel(channel: Channel) -> Channel:
    """Make every call on ``channel`` carry the current caller and request id."""
    listen(channel, SendRequest, _on_send_request)
    return channel


def open_channel(address: str) -> Channel:
    """A channel to ``host:port`` that decodes error details and forwards the caller."""
    host, _, port = address.rpartition(":")
    channel = Channel(host, int(port), status_details_codec=ErrorDetailCodec())
    return instrument_channel(channel)


def build_server(
    servicers: Sequence[Any], *, checks: Collection[Callable[[], Awaitable[bool | None]]] = ()
) -> Server:
    """A grpclib server for ``servicers`` plus the standard health service."""
    service_checks = [ServiceCheck(check, check_ttl=5, check_timeout=2) for check in checks]
    health = Health({servicer: service_checks for servicer in servicers})
    server = Server([*servicers, health], status_details_codec=ErrorDetailCodec())
    listen(server, RecvRequest, on_recv_request)
    return server


async def serve(server: Server, *, host: str, port: int, service: str) -> None:
    """Serve until SIGINT or SIGTERM, then finish in-flight calls and return."""
    with graceful_exit([server]):
        await server.start(host, port)
        log.info("grpc_serving", host=host, port=port, grpc_service=service)
        await server.wait_closed()
    log.info("grpc_stopped", grpc_service=service)


def run_forever(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``main`` on uvloop: the services' event loop."""
    import uvloop

    uvloop.run(main())
