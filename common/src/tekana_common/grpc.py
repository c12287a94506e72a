"""gRPC plumbing shared by every service and the gateway (grpclib + betterproto2).

- Domain errors become gRPC statuses carrying an ``ErrorDetail`` (stable code) in
  ``grpc-status-details-bin``; clients decode it back.
- The caller and request id travel as metadata: the gateway's channel adds them from
  context variables (``SendRequest``), a service's server puts them back (``RecvRequest``).
"""

import hmac
import time
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from ssl import SSLContext
from typing import Any, Protocol, TypeVar

import asyncpg
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.encoding.base import StatusDetailsCodecBase
from grpclib.events import RecvRequest, SendRequest, listen
from grpclib.exceptions import GRPCError
from grpclib.health.check import ServiceCheck
from grpclib.health.service import Health
from grpclib.server import Server, Stream
from grpclib.utils import graceful_exit
from opentelemetry.trace import SpanKind
from tortoise.exceptions import DBConnectionError

from tekana_common import metrics, tracing
from tekana_common.admission import FifoGate
from tekana_common.coalesce import coalesce_grpc_writes
from tekana_common.codec import speed_up_encoding
from tekana_common.context import Caller, Role, caller_var, request_id_var
from tekana_common.errors import DomainError, ErrorKind, Unavailable
from tekana_common.logging import get_logger
from tekana_common.routing import authenticate_before_routing
from tekana_common.transport import Transport
from tekana_protos.tekana.common.v1 import ErrorDetail
from tekana_protos.tekana.common.v1 import FieldViolation as FieldViolationMessage

log = get_logger(__name__)

T = TypeVar("T")

REQUEST_ID_KEY = "x-request-id"
INTERNAL_TOKEN_KEY = "x-tekana-internal-token"  # noqa: S105 (a header name, not a secret)
# Probes (kubelet, the gateway's /ready) may check health without the token.
_OPEN_METHODS = "/grpc.health.v1.Health/"
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


class _SerializedDetail(Protocol):
    def SerializeToString(self) -> bytes: ...  # noqa: N802 (protobuf's name)


def add_answers(
    answers: Any, results: Sequence[T | DomainError], field: str, fields: Callable[[T], Any]
) -> None:
    """Append to a grouped reply's repeated ``answers`` one answer per result, in order: the
    result in ``field`` (built in place from ``fields(result)``), or its failure."""
    for result in results:
        if isinstance(result, DomainError):
            answers.add(**failed_answer(result))
        else:
            answers.add(**{field: fields(result)})


def failed_answer(error: DomainError) -> dict[str, Any]:
    """The ``status`` and ``error`` fields of a batch's answer for one item that failed with
    ``error`` alone (upb keyword arguments)."""
    return {
        "status": STATUS_FOR_KIND[error.kind].value,
        "error": {
            "code": error.code,
            "message": error.message,
            "field_violations": [
                {"field": v.field, "description": v.description} for v in error.violations
            ],
        },
    }


async def settle(pending: Awaitable[T]) -> T | DomainError:
    """What ``pending`` answers, or the error that a call of its own would have answered: its
    domain error, ``database_unavailable`` for a database out of reach, else (logged) an
    internal error. For the items of a grouped call, which must not fail one another."""
    try:
        return await pending
    except DomainError as exc:
        return exc
    except Exception as exc:
        if _database_unreachable(exc):
            log.warning("database_unavailable", error=type(exc).__name__)
            return DATABASE_UNAVAILABLE
        log.exception("grouped_item_failed")
        return DomainError("internal", "Internal Server Error")


def count_as_call(route: str, outcome: object, started: float) -> None:
    """Count an item of a grouped call in the RPC metrics as the call it stands for (its
    method, its status, its time since ``started``), so that per-method rates and errors read
    as they did before the calls were grouped."""
    attributes = tracing.rpc_attributes(route)
    labels = (attributes["rpc.service"], attributes["rpc.method"])
    code = STATUS_FOR_KIND[outcome.kind].name if isinstance(outcome, DomainError) else "OK"
    metrics.RPC_REQUESTS.labels(*labels, code).inc()
    metrics.RPC_DURATION.labels(*labels).observe(time.perf_counter() - started)


def answer_failure(status: int, error: _SerializedDetail) -> GRPCError:
    """What a batch's failed answer stands for: the error its item's own call would have
    raised (``failed_answer`` in reverse)."""
    detail = ErrorDetail.parse(error.SerializeToString())
    return GRPCError(Status(status), detail.message, detail)


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


def request_listener(
    internal_token: str, gate: FifoGate | None = None
) -> Callable[[RecvRequest], Coroutine[Any, Any, None]]:
    """The server-side listener: refuses calls without the internal token, then serves the
    rest with the caller and request id in context and domain errors turned into statuses,
    admitted through ``gate`` (health checks never wait there)."""

    async def on_recv_request(event: RecvRequest) -> None:
        presented = str(event.metadata.get(INTERNAL_TOKEN_KEY, ""))
        if not event.method_name.startswith(_OPEN_METHODS) and not hmac.compare_digest(
            presented.encode(), internal_token.encode()
        ):
            event.method_func = _refuse_unauthenticated
            return
        open_method = event.method_name.startswith(_OPEN_METHODS)
        _serve_in_context(event, None if open_method else gate)

    return on_recv_request


async def _refuse_unauthenticated(stream: Stream[Any, Any]) -> None:
    log.warning("internal_call_refused", reason="missing or wrong internal token")
    raise GRPCError(Status.UNAUTHENTICATED, "missing or wrong internal token")


def _serve_in_context(event: RecvRequest, gate: FifoGate | None) -> None:
    request_id = str(event.metadata.get(REQUEST_ID_KEY, ""))
    caller = caller_from_metadata(event.metadata)
    handler = event.method_func
    parent = tracing.extract(event.metadata)
    method = event.method_name

    async def guarded(stream: Stream[Any, Any]) -> None:
        request_id_var.set(request_id)
        caller_var.set(caller)
        attributes = tracing.rpc_attributes(method)
        labels = (attributes["rpc.service"], attributes["rpc.method"])
        code = "OK"
        started = time.perf_counter()
        with tracing.span(
            method, parent=parent, kind=SpanKind.SERVER, attributes=attributes
        ) as span:
            try:
                if gate is None:
                    await handler(stream)
                else:
                    async with gate:
                        await handler(stream)
            except DomainError as exc:
                status = STATUS_FOR_KIND[exc.kind]
                code = status.name
                span.set_attribute("rpc.grpc.status_code", status.value)
                tracing.mark_failed(span, exc, exc.code)
                raise to_grpc_error(exc) from None
            except GRPCError as exc:
                code = exc.status.name
                raise
            except Exception as exc:
                if not _database_unreachable(exc):
                    code = "INTERNAL"
                    raise
                # A restarting or unreachable database is a retryable outage, not a bug.
                code = "UNAVAILABLE"
                log.warning("database_unavailable", error=type(exc).__name__)
                tracing.mark_failed(span, exc, "database_unavailable")
                raise to_grpc_error(DATABASE_UNAVAILABLE) from None
            finally:
                metrics.RPC_REQUESTS.labels(*labels, code).inc()
                metrics.RPC_DURATION.labels(*labels).observe(time.perf_counter() - started)

    event.method_func = guarded


DATABASE_UNAVAILABLE = Unavailable("database_unavailable", "Service Unavailable")
# Connection lost or refused (class 08), server shutting down or starting (class 57P), and
# what asyncpg says of a connection the server dropped mid-operation ("connection is closed",
# "cannot switch to state ..."), as seen when PostgreSQL restarts under load.
_UNREACHABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    DBConnectionError,
    ConnectionError,
    TimeoutError,
)


def _database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it: Tortoise wraps asyncpg's errors) is the database
    being out of reach rather than a fault in the request."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, _UNREACHABLE) or (
            isinstance(seen, OSError) and not isinstance(seen, FileNotFoundError)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _send_listener(internal_token: str) -> Callable[[SendRequest], Coroutine[Any, Any, None]]:
    async def on_send_request(event: SendRequest) -> None:
        if internal_token:
            event.metadata[INTERNAL_TOKEN_KEY] = internal_token
        _add_context(event)
        tracing.inject(event.metadata)

    return on_send_request


def _add_context(event: SendRequest) -> None:
    request_id = request_id_var.get()
    if request_id:
        event.metadata[REQUEST_ID_KEY] = request_id
    caller = caller_var.get()
    if caller is not None:
        event.metadata[CUSTOMER_ID_KEY] = str(caller.customer_id)
        event.metadata[ROLES_KEY] = ",".join(sorted(caller.roles))


def instrument_channel(channel: Channel, *, internal_token: str) -> Channel:
    """Make every call on ``channel`` carry the internal token, caller, request id and trace
    context, and run in a CLIENT span."""
    listen(channel, SendRequest, _send_listener(internal_token))
    request = channel.request

    def traced_request(name: str, *args: Any, **kwargs: Any) -> Any:
        stream = request(name, *args, **kwargs)
        return tracing.TracedStream(stream, name) if tracing.enabled() else stream

    channel.request = traced_request  # type: ignore[method-assign]
    return channel


def open_channel(address: str, transport: Transport) -> Channel:
    """A channel to ``host:port`` that authenticates itself, decodes error details and
    forwards the caller; over TLS when the transport says so."""
    coalesce_grpc_writes()
    speed_up_encoding()
    host, _, port = address.rpartition(":")
    channel = Channel(
        host, int(port), ssl=transport.client_ssl(), status_details_codec=ErrorDetailCodec()
    )
    return instrument_channel(channel, internal_token=transport.internal_token)


def build_server(
    servicers: Sequence[Any],
    *,
    internal_token: str,
    checks: Collection[Callable[[], Awaitable[bool | None]]] = (),
    max_concurrent: int | None = None,
) -> Server:
    """A grpclib server for ``servicers`` plus the standard health service, running at most
    ``max_concurrent`` calls at once (the rest wait their turn in order)."""
    coalesce_grpc_writes()
    speed_up_encoding()
    service_checks = [ServiceCheck(check, check_ttl=5, check_timeout=2) for check in checks]
    health = Health({servicer: service_checks for servicer in servicers})
    server = Server([*servicers, health], status_details_codec=ErrorDetailCodec())
    gate = FifoGate(max_concurrent) if max_concurrent else None
    listen(server, RecvRequest, request_listener(internal_token, gate))
    return authenticate_before_routing(server)


async def serve(
    server: Server, *, host: str, port: int, service: str, ssl: SSLContext | None = None
) -> None:
    """Serve until SIGINT or SIGTERM, then finish in-flight calls and return."""
    with graceful_exit([server]):
        await server.start(host, port, ssl=ssl)
        log.info("grpc_serving", host=host, port=port, grpc_service=service, tls=ssl is not None)
        await server.wait_closed()
    log.info("grpc_stopped", grpc_service=service)


def run_forever(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``main`` on uvloop: the services' event loop."""
    import uvloop

    uvloop.run(main())
