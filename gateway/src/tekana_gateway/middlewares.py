"""The gateway's request pipeline: request id and access log → auth → errors."""

import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web
from grpclib.exceptions import GRPCError, StreamTerminatedError
from opentelemetry.trace import SpanKind, Status, StatusCode

from tekana_common import metrics, tracing
from tekana_common.auth import Verified
from tekana_common.context import caller_var, request_id_var
from tekana_common.errors import DomainError
from tekana_common.logging import get_logger
from tekana_common.revocation import RevocationUnavailable
from tekana_gateway import errors, rendering
from tekana_gateway.keys import AUTH_ERROR, CALLER, REQUEST_ID, REVOCATIONS, TOKEN, VERIFIER

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = get_logger("tekana_gateway.access")

_REQUEST_ID_MAX = 128


def _incoming_request_id(request: web.Request) -> str:
    given = request.headers.get("X-Request-ID", "")
    if 0 < len(given) <= _REQUEST_ID_MAX and given.isprintable():
        return given
    return uuid.uuid4().hex


@web.middleware
async def tracing_span(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A SERVER span per request, continuing the caller's trace if it sent ``traceparent``."""
    route = request.match_info.route.resource
    template = route.canonical if route is not None else request.path
    with tracing.span(
        f"{request.method} {template}",
        parent=tracing.extract(request.headers),
        kind=SpanKind.SERVER,
        attributes={
            "http.request.method": request.method,
            "http.route": template,
            "url.path": request.path,
            "url.scheme": request.scheme,
        },
    ) as span:
        response = await handler(request)
        span.set_attribute("http.response.status_code", response.status)
        if response.status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        return response


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give the request an id, echo it, and log the request once when it ends."""
    request_id = _incoming_request_id(request)
    request[REQUEST_ID] = request_id
    request_id_var.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-ID"] = request_id
        return response
    finally:
        elapsed = time.perf_counter() - started
        resource = request.match_info.route.resource
        # Unknown paths share one label, so probes of random URLs cannot flood the metrics.
        route = resource.canonical if resource is not None else "unmatched"
        metrics.HTTP_REQUESTS.labels(request.method, route, str(status)).inc()
        metrics.HTTP_DURATION.labels(request.method, route).observe(elapsed)
        log.info(
            "http_request",
            method=request.method,
            path=request.path,
            status=status,
            duration_ms=round(elapsed * 1000, 2),
            request_id=request_id,
        )


@web.middleware
async def authentication(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Verify a bearer token if one is sent; routes that need a caller demand it."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            request[AUTH_ERROR] = errors.unauthorized()
        else:
            try:
                verified = request.app[VERIFIER].verify(token.strip())
            except DomainError:
                request[AUTH_ERROR] = errors.unauthorized()
            else:
                _accept_unless_revoked(request, verified)
    return await handler(request)


def _accept_unless_revoked(request: web.Request, verified: Verified) -> None:
    caller = verified.caller
    try:
        allowed = request.app[REVOCATIONS].allows(
            customer_id=caller.customer_id,
            session_id=verified.session_id,
            issued_at=verified.issued_at,
        )
    except RevocationUnavailable:
        request[AUTH_ERROR] = errors.ApiError(
            503, "revocation_unavailable", "Service Unavailable", retry_after=1
        )
        return
    if not allowed:
        # A revoked token reads as any invalid one: nothing to learn from the difference.
        request[AUTH_ERROR] = errors.unauthorized()
        return
    request[CALLER] = caller
    request[TOKEN] = verified
    caller_var.set(caller)


@web.middleware
async def error_responses(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render every failure for its surface; unexpected ones are logged, never shown."""
    try:
        return await handler(request)
    except errors.ApiError as exc:
        error = exc
    except GRPCError as exc:
        error = errors.from_grpc(exc)
    except DomainError as exc:
        error = errors.from_domain(exc)
    except StreamTerminatedError:
        error = errors.ApiError(503, "service_unavailable", "Service Unavailable")
    except (ConnectionError, OSError):
        if _client_gone(request):
            # The client hung up (mid-body, say): not our failure, so not counted as a 5xx
            # that anyone could inflate; nobody is left to answer.
            log.info("client_closed", path=request.path)
            error = CLIENT_CLOSED
        else:
            error = errors.ApiError(503, "service_unavailable", "Service Unavailable")
    except TimeoutError:
        error = errors.ApiError(504, "upstream_timeout", "Gateway Timeout")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        error = _from_http_exception(exc)
    except Exception:
        log.exception("unhandled_error", path=request.path)
        error = errors.ApiError(500, "internal", "Internal Server Error")
    if error.status >= 500:
        log.warning("request_failed", code=error.code, status=error.status)
    if rendering.is_v1(request):
        response = rendering.problem(error, instance=request.path, request_id=request[REQUEST_ID])
    else:
        response = rendering.legacy(error, request=request)
    if error.status == 408:
        # The rest of a slow body is not waited for: the connection goes.
        response.force_close()
    return response


# nginx's status for a request its client abandoned; it appears in metrics and logs only.
CLIENT_CLOSED = errors.ApiError(499, "client_closed", "Client Closed Request")


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _from_http_exception(exc: web.HTTPException) -> errors.ApiError:
    code = {
        404: "route_not_found",
        405: "method_not_allowed",
        413: "body_too_large",
        415: "unsupported_media_type",
    }.get(exc.status, "http_error")
    return errors.ApiError(exc.status, code, errors.TITLES.get(exc.status, exc.reason))
