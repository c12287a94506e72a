"""How every service serves gRPC: the internal token checked first, each call run with its
request id and trace in context, in a SERVER span, counted, and admitted in arrival order;
a domain error raised anywhere becomes its status here, in one place."""

import asyncio
import hmac
import time
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from typing import Any, TypeVar

from grpclib.const import Status
from grpclib.events import RecvRequest, listen
from grpclib.exceptions import GRPCError
from grpclib.health.check import CheckBase, ServiceCheck, ServiceStatus
from grpclib.health.service import Health
from grpclib.server import Server, Stream
from opentelemetry.trace import SpanKind

from tekana_common import metrics, tracing
from tekana_common.context import request_id_var
from tekana_common.draining import Calls
from tekana_common.errors import DomainError
from tekana_common.grpc_errors import (
    DATABASE_UNAVAILABLE,
    STATUS_FOR_KIND,
    ErrorDetailCodec,
    database_unreachable,
    settle,
    to_grpc_error,
)
from tekana_common.logging import get_logger
from tekana_common.tunings import authenticate_before_routing

log = get_logger(__name__)

Request = TypeVar("Request")
T = TypeVar("T")

REQUEST_ID_KEY = "x-request-id"
INTERNAL_TOKEN_KEY = "x-tekana-internal-token"  # noqa: S105 (a header name, not a secret)
# Probes (kubelet, the gateway's /ready) may check health without the token.
_OPEN_METHODS = "/grpc.health.v1.Health/"


async def receive(stream: Stream[Request, Any]) -> Request:
    """A unary call's request (grpclib ends a call that has none before its handler)."""
    request = await stream.recv_message()
    assert request is not None
    return request


async def carry_out(service: str, use_case: str, pending: Awaitable[T]) -> T | DomainError:
    """One item of a grouped call, carried out as its own use-case: in a span of that name,
    counted under it, and answered as ``settle`` answers (never failing the other items)."""
    started = time.perf_counter()
    with tracing.span(f"{service}.{use_case}") as span:
        result = await settle(pending)
        if isinstance(result, DomainError):
            tracing.mark_failed(span, result, result.code)
    code = STATUS_FOR_KIND[result.kind].name if isinstance(result, DomainError) else "OK"
    metrics.USE_CASES.labels(service, use_case, code).inc()
    metrics.USE_CASE_DURATION.labels(service, use_case).observe(time.perf_counter() - started)
    return result


def request_listener(
    internal_token: str, gate: asyncio.Semaphore | None = None, calls: Calls | None = None
) -> Callable[[RecvRequest], Coroutine[Any, Any, None]]:
    """The server-side listener: refuses calls without the internal token, then serves the
    rest with the request id in context and domain errors turned into statuses, admitted
    through ``gate`` (health checks never wait there) and counted in ``calls``."""

    async def on_recv_request(event: RecvRequest) -> None:
        open_method = event.method_name.startswith(_OPEN_METHODS)
        presented = str(event.metadata.get(INTERNAL_TOKEN_KEY, ""))
        if not open_method and not hmac.compare_digest(presented.encode(), internal_token.encode()):
            event.method_func = _refuse_unauthenticated
            return
        _serve_in_context(event, None if open_method else gate, calls)

    return on_recv_request


async def _refuse_unauthenticated(stream: Stream[Any, Any]) -> None:
    log.warning("internal_call_refused", reason="missing or wrong internal token")
    raise GRPCError(Status.UNAUTHENTICATED, "missing or wrong internal token")


def _serve_in_context(
    event: RecvRequest, gate: asyncio.Semaphore | None, calls: Calls | None
) -> None:
    request_id = str(event.metadata.get(REQUEST_ID_KEY, ""))
    handler = event.method_func
    parent = tracing.extract(event.metadata)
    method = event.method_name

    async def counted(stream: Stream[Any, Any]) -> None:
        if calls is None:
            await guarded(stream)
            return
        calls.started()
        try:
            await guarded(stream)
        finally:
            calls.finished()

    async def guarded(stream: Stream[Any, Any]) -> None:
        request_id_var.set(request_id)
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
                if not database_unreachable(exc):
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

    event.method_func = counted


def build_server(
    servicers: Sequence[Any],
    *,
    internal_token: str,
    checks: Collection[Callable[[], Awaitable[bool | None]]] = (),
    max_concurrent: int | None = None,
    ready: ServiceStatus | None = None,
    calls: Calls | None = None,
) -> Server:
    """A grpclib server for ``servicers`` plus the standard health service (serving while
    ``ready`` and ``checks`` say so), running at most ``max_concurrent`` calls at once (the
    rest wait their turn in order), counting those it carries out in ``calls``."""
    service_checks: list[CheckBase] = [
        ServiceCheck(check, check_ttl=5, check_timeout=2) for check in checks
    ]
    if ready is not None:
        service_checks.append(ready)
    health = Health({servicer: service_checks for servicer in servicers})
    server = Server([*servicers, health], status_details_codec=ErrorDetailCodec())
    # First come, first served, no more than the pool holds: admitted by asyncpg's pool
    # instead, some requests waited many times over (decision 0016).
    gate = asyncio.Semaphore(max_concurrent) if max_concurrent else None
    listen(server, RecvRequest, request_listener(internal_token, gate, calls))
    return authenticate_before_routing(server)
