"""One error model for the gateway: everything that goes wrong becomes an ``ApiError``.

An ``ApiError`` knows its HTTP status, stable code, message and bad fields; the error
middleware renders it as RFC 9457 problem JSON on /v1 or as the legacy envelope elsewhere.
"""

from dataclasses import dataclass, field

from grpclib.const import Status
from grpclib.exceptions import GRPCError

from tekana_common.errors import DomainError, FieldViolation
from tekana_common.grpc_errors import STATUS_FOR_KIND, error_detail

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
