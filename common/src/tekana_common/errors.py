"""Domain errors: each carries a stable ``code`` and a ``kind`` that fixes its gRPC status.

Services raise these; ``tekana_common.grpc_server`` turns them into gRPC statuses at the edge, and
the gateway turns those into HTTP answers. No transport is imported here.
"""

from dataclasses import dataclass
from enum import StrEnum


class ErrorKind(StrEnum):
    """The class of failure; each maps to exactly one gRPC status and one HTTP status."""

    INVALID_ARGUMENT = "invalid_argument"
    NOT_FOUND = "not_found"
    ALREADY_EXISTS = "already_exists"
    CONFLICT = "conflict"
    FAILED_PRECONDITION = "failed_precondition"
    PERMISSION_DENIED = "permission_denied"
    UNAUTHENTICATED = "unauthenticated"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class FieldViolation:
    field: str
    description: str


class DomainError(Exception):
    """Base of every expected failure. Subclasses set ``kind``; instances carry the code."""

    kind: ErrorKind = ErrorKind.INTERNAL

    def __init__(
        self, code: str, message: str, *, violations: tuple[FieldViolation, ...] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.violations = violations


class InvalidArgument(DomainError):
    kind = ErrorKind.INVALID_ARGUMENT

    @classmethod
    def for_field(cls, field: str, description: str) -> "InvalidArgument":
        return cls(
            "validation_failed",
            f"{field}: {description}",
            violations=(FieldViolation(field, description),),
        )


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND


class AlreadyExists(DomainError):
    kind = ErrorKind.ALREADY_EXISTS


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class FailedPrecondition(DomainError):
    kind = ErrorKind.FAILED_PRECONDITION


class PermissionDenied(DomainError):
    kind = ErrorKind.PERMISSION_DENIED


class Unauthenticated(DomainError):
    kind = ErrorKind.UNAUTHENTICATED


class Unavailable(DomainError):
    kind = ErrorKind.UNAVAILABLE
