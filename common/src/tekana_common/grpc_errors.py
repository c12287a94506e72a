"""Domain errors on the wire: one gRPC status per ``ErrorKind``, the stable code in an
``ErrorDetail`` carried in ``grpc-status-details-bin``, and the same detail in the answer of
a grouped call's item that failed alone."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import asyncpg
from grpclib.const import Status
from grpclib.encoding.base import StatusDetailsCodecBase
from grpclib.exceptions import GRPCError
from tortoise.exceptions import DBConnectionError

from tekana.common.v1.error_pb2 import ErrorDetail
from tekana_common.errors import DomainError, ErrorKind, Unavailable
from tekana_common.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")

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

DATABASE_UNAVAILABLE = Unavailable("database_unavailable", "Service Unavailable")


class ErrorDetailCodec(StatusDetailsCodecBase):
    """Encodes ``ErrorDetail`` into ``grpc-status-details-bin`` and back."""

    def encode(self, status: Status, message: str | None, details: Any) -> bytes:
        return details.SerializeToString() if isinstance(details, ErrorDetail) else b""

    def decode(self, status: Status, message: str | None, data: bytes) -> Any:
        return ErrorDetail.FromString(data)


def detail_fields(error: DomainError) -> dict[str, Any]:
    """An ``ErrorDetail``'s fields for ``error`` (keywords that build it in place)."""
    return {
        "code": error.code,
        "message": error.message,
        "field_violations": [
            {"field": v.field, "description": v.description} for v in error.violations
        ],
    }


def to_grpc_error(error: DomainError) -> GRPCError:
    return GRPCError(
        STATUS_FOR_KIND[error.kind], error.message, ErrorDetail(**detail_fields(error))
    )


def add_answers(
    answers: Any, results: Sequence[T | DomainError], field: str, fields: Callable[[T], Any]
) -> None:
    """Append to a grouped reply's repeated ``answers`` one answer per result, in order: the
    result in ``field`` (built in place from ``fields(result)``), or the status and detail
    its failure would have been answered with by a call of its own."""
    for result in results:
        if isinstance(result, DomainError):
            answers.add(status=STATUS_FOR_KIND[result.kind].value, error=detail_fields(result))
        else:
            answers.add(**{field: fields(result)})


def answer_error(status: int, detail: ErrorDetail) -> GRPCError:
    """A grouped reply's failed answer as the error a call of its own would have raised."""
    return GRPCError(Status(status), detail.message, detail)


def error_detail(error: GRPCError) -> ErrorDetail | None:
    """The ``ErrorDetail`` a Tekana service attached, if any."""
    return error.details if isinstance(error.details, ErrorDetail) else None


def error_code(error: GRPCError) -> str:
    """The stable code of a Tekana service's error, or empty for any other failure."""
    detail = error_detail(error)
    return detail.code if detail else ""


async def settle(pending: Awaitable[T]) -> T | DomainError:
    """What ``pending`` answers, or the error a call of its own would have answered: its
    domain error, ``database_unavailable`` for a database out of reach, else (logged) an
    internal error. For the items of a grouped call, which must not fail one another."""
    try:
        return await pending
    except DomainError as exc:
        return exc
    except Exception as exc:
        if database_unreachable(exc):
            log.warning("database_unavailable", error=type(exc).__name__)
            return DATABASE_UNAVAILABLE
        log.exception("grouped_item_failed")
        return DomainError("internal", "Internal Server Error")


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


def database_unreachable(exc: BaseException) -> bool:
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
