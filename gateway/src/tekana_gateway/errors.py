"""One error model for the gateway: everything that goes wrong becomes an ``ApiError``.

An ``ApiError`` knows its HTTP status, stable code, message and bad fields; the error
middleware renders it as RFC 9457 problem JSON on /v1 or as the legacy envelope elsewhere.
"""

from dataclasses import dataclass, field

from aiohttp import web
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from tekana_common.errors import DomainError, FieldViolation
from tekana_common.grpc_errors import STATUS_FOR_KIND, error_detail
from tekana_gateway import jsonio

HTTP_FOR_GRPC: dict[Status, int] = {
    Status.INVALID_ARGUMENT: 400,
    Status.OUT_OF_RANGE: 400,
    Status.UNAUTHENTICATED: 401,
    Status.PERMISSION_DENIED: 403,
    Status.NOT_FOUND: 404,
    Status.ALREADY_EXISTS: 409,
    Status.ABORTED: 409,
    Status.FAILED_PRECONDITION: 409,
    Status.RESOURCE_EXHAUSTED: 429,
    Status.UNAVAILABLE: 503,
    Status.DEADLINE_EXCEEDED: 504,
}

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    violations: tuple[FieldViolation, ...] = field(default=())
    # Seconds the client should wait before trying again (429).
    retry_after: int | None = None

    @property
    def is_token_problem(self) -> bool:
        """A request rejected for its bearer token, which both surfaces answer with HTTP 401."""
        return self.code in {"missing_token", "invalid_token"}


def invalid(violations: list[FieldViolation]) -> ApiError:
    summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
    return ApiError(400, "validation_failed", summary, tuple(violations))


def unauthorized(code: str = "invalid_token") -> ApiError:
    return ApiError(401, code, "Unauthorized")


def from_domain(error: DomainError) -> ApiError:
    """A rule the gateway itself checked (amount conversion), answered as a service would."""
    status = HTTP_FOR_GRPC.get(STATUS_FOR_KIND[error.kind], 500)
    return ApiError(status, error.code, error.message, error.violations)


def from_grpc(error: GRPCError) -> ApiError:
    """The HTTP face of a service's gRPC status; internal failures are not described."""
    status = HTTP_FOR_GRPC.get(error.status, 500)
    detail = error_detail(error)
    if detail is None or status >= 500:
        code = {503: "service_unavailable", 504: "upstream_timeout"}.get(status, "internal")
        return ApiError(status, code, TITLES.get(status, "Internal Server Error"))
    violations = tuple(FieldViolation(v.field, v.description) for v in detail.field_violations)
    return ApiError(status, detail.code, detail.message, violations)


# How an ``ApiError`` looks on each surface: problem JSON on /v1, the envelope elsewhere.
PROBLEM_JSON = "application/problem+json"


def is_v1(request: web.Request) -> bool:
    return is_v1_path(request.path)


def is_v1_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def problem(error: ApiError, *, instance: str, request_id: str) -> web.Response:
    """RFC 9457 problem details, with Tekana's stable ``code`` and the bad fields."""
    body: dict[str, object] = {
        "type": f"urn:tekana:problem:{error.code}",
        "title": TITLES.get(error.status, "Error"),
        "status": error.status,
        "detail": error.message,
        "instance": instance,
        "code": error.code,
    }
    # The id is always in X-Request-ID; in the body only where support will need it, so
    # that a replayed refusal answers with exactly the body of the first.
    if error.status >= 500:
        body["request_id"] = request_id
    if error.violations:
        body["errors"] = [{"field": v.field, "message": v.description} for v in error.violations]
    response = jsonio.response(body, status=error.status, content_type=PROBLEM_JSON)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tekana"'
    return _with_retry_after(response, error)


def _with_retry_after(response: web.Response, error: ApiError) -> web.Response:
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def legacy(error: ApiError, *, request: web.BaseRequest) -> web.Response:
    """The old contract: the outcome in the body's ``status``, HTTP 200/201 for business
    outcomes, real HTTP statuses for bad input, bad tokens, unknown routes and our faults."""
    if error.is_token_problem:
        return jsonio.response({"statusCode": 401, "message": "Unauthorized"}, status=401)
    if error.status in (404, 405) and error.code in {"route_not_found", "method_not_allowed"}:
        return jsonio.response(
            {
                "statusCode": error.status,
                "message": f"Cannot {request.method} {request.path}",
                "error": TITLES[error.status],
            },
            status=error.status,
        )
    messages = (
        [f"{v.field}: {v.description}" for v in error.violations]
        if error.violations
        else [error.message]
    )
    body = {"status": error.status, "error": messages}
    if error.status in (400, 408, 413, 415, 429) or error.status >= 500:
        return _with_retry_after(jsonio.response(body, status=error.status), error)
    return envelope(request, body)


def envelope(request: web.BaseRequest, body: dict[str, object]) -> web.Response:
    """A legacy answer: HTTP 201 for POST, 200 otherwise, whatever the body's status says.
    An empty list is left out of the body (``data`` of an empty listing), as the old
    system did."""
    shown = {key: value for key, value in body.items() if value != []}
    return jsonio.response(shown, status=201 if request.method == "POST" else 200)
