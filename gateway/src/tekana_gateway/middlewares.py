"""The gateway's request pipeline: request id and access log → auth → errors."""

import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web
from grpclib.exceptions import GRPCError, StreamTerminatedError
from opentelemetry.trace import SpanKind, Status, StatusCode

from tekana_common import metrics, tracing
from tekana_common.auth import Verified
from tekana_common.context import request_id_var
from tekana_common.errors import DomainError
from tekana_common.logging import get_logger
from tekana_gateway import errors
from tekana_gateway.keys import (
    AUTH_ERROR,
    CALLER,
    DRAIN,
    REQUEST_ID,
    REVOCATIONS,
    SETTINGS,
    TOKEN,
    VERIFIER,
)
from tekana_gateway.revocations import RevocationUnavailable

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
        if request.app[DRAIN].draining:
            # The client's next request opens a new connection, to a gateway that stays.
            response.force_close()
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


# What read-only mode refuses (method, route): registration and every money movement, on
# both surfaces. Logins, token refresh and every read still work.
REFUSED_WHEN_READ_ONLY = frozenset(
    {
        ("POST", "/customer/register"),
        ("POST", "/wallet/deposit"),
        ("POST", "/transaction"),
        ("POST", "/v1/customers"),
        ("POST", "/v1/wallets/{account}/deposits"),
        ("POST", "/v1/transfers"),
    }
)


@web.middleware
async def read_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """In read-only mode (the cut-over window, an incident), what would register a customer
    or move money answers 503 with Retry-After, in the surface's own body."""
    settings = request.app[SETTINGS]
    if settings.read_only:
        route = request.match_info.route.resource
        if route is not None and (request.method, route.canonical) in REFUSED_WHEN_READ_ONLY:
            raise errors.ApiError(
                503,
                "read_only",
                "Tekana is read-only for now: registrations and money movements resume soon",
                retry_after=settings.read_only_retry_after_seconds,
            )
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
    if errors.is_v1(request):
        response = errors.problem(error, instance=request.path, request_id=request[REQUEST_ID])
    else:
        response = errors.legacy(error, request=request)
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


# ---- response headers every answer carries, and CORS for an allow-list of origins
# An API answers JSON to programs: nothing on it may be framed, sniffed or cached, and it
# loads nothing. The docs page loads its own scripts and styles, and nothing else.
_API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # Replaces aiohttp's "Python/x aiohttp/y": no version banner.
    "Server": "tekana",
}
CORS_METHODS = "GET, POST, PUT, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-ID"


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: runs for every response, errors and 404s included."""
    response.headers.update(SECURITY_HEADERS)
    is_docs = request.path == "/docs" or request.path.startswith("/docs/")
    response.headers["Content-Security-Policy"] = _DOCS_POLICY if is_docs else _API_POLICY
    if not is_docs:
        response.headers.setdefault("Cache-Control", "no-store")
    origin = request.headers.get("Origin")
    if origin and origin in request.app[SETTINGS].cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Retry-After, Location"
        response.headers["Vary"] = "Origin"


@web.middleware
async def cors_preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer browsers' preflight requests from allowed origins; refuse others plainly."""
    is_preflight = (
        request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
    )
    if not is_preflight:
        return await handler(request)
    if request.headers.get("Origin") not in request.app[SETTINGS].cors_origins:
        return web.Response(status=403)
    return web.Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Access-Control-Max-Age": "600",
        },
    )
