"""Customers and the rules on their fields. No transport, no ORM."""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from confusable_homoglyphs import confusables
from email_validator import EmailNotValidError, validate_email

from tekana_common.context import Role
from tekana_common.errors import (
    AlreadyExists,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)

PASSWORD_MIN = 8
# argon2 cost does not grow with length, but an unbounded body is a cheap attack.
PASSWORD_MAX = 128
EMAIL_MAX = 254
FULL_NAME_MAX = 100
NATIONAL_ID_MAX = 32


class Surface(StrEnum):
    """The API a session is for; each has its own token lifetimes."""

    V1 = "v1"
    LEGACY = "legacy"


@dataclass(frozen=True, slots=True)
class TokenLifetimes:
    """Seconds: a /v1 access token, the legacy token, a refresh token (from its issue)."""

    access: int
    legacy: int
    refresh: int

    def access_for(self, surface: Surface) -> int:
        return self.legacy if surface is Surface.LEGACY else self.access


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str
    expires_in: int
    # Empty for a legacy session.
    refresh_token: str = ""
    refresh_expires_in: int = 0


def new_refresh_token() -> tuple[str, bytes]:
    """An opaque refresh token and the hash it is stored as (SHA-256 is enough: the token
    is 256 random bits, so there is nothing to guess that a slow hash would protect)."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Gender(StrEnum):
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    email: str
    full_name: str
    national_id: str
    gender: Gender | None
    roles: frozenset[Role]
    created_at: datetime
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class NewCustomer:
    """A validated registration, password already hashed."""

    email: str
    password_hash: str
    full_name: str
    national_id: str
    gender: Gender
    roles: frozenset[Role]


class EmailTaken(AlreadyExists):
    def __init__(self) -> None:
        super().__init__("email_taken", "E-Mail already exists")


class CustomerNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("customer_not_found", "Customer not found")


class InvalidCredentials(Unauthenticated):
    """One answer for an unknown e-mail and a wrong password, so neither can be probed."""

    def __init__(self) -> None:
        super().__init__("invalid_credentials", "Invalid e-mail or password")


class CustomerDisabled(PermissionDenied):
    """Answered only after the password was verified, so it tells a stranger nothing."""

    def __init__(self) -> None:
        super().__init__("customer_disabled", "This account is disabled")


class InvalidRefreshToken(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("invalid_refresh_token", "The refresh token is not valid")


class RefreshTokenReused(Unauthenticated):
    """A used-up refresh token came back: someone holds a copy, so the session is ended."""

    def __init__(self) -> None:
        super().__init__(
            "refresh_token_reused", "The refresh token was already used; the session is ended"
        )


class AdminOnly(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("admin_only", "Only an administrator can do this")


def email_key(raw: str) -> str:
    """The one form of an e-mail that registration stores and login looks up: Unicode NFKC,
    case-folded, surrounding space trimmed. Spellings that differ only in Unicode form
    (NFD), letter case or full-width letters all have the same key."""
    return unicodedata.normalize("NFKC", raw.strip()).casefold()


def normalize_email(raw: str) -> str:
    """The e-mail as stored: its ``email_key``, once its syntax is checked."""
    candidate = email_key(raw)
    if len(candidate) > EMAIL_MAX:
        raise InvalidArgument.for_field("email", f"must be at most {EMAIL_MAX} characters")
    try:
        validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidArgument.for_field("email", "is not a valid e-mail address") from exc
    return candidate


def check_not_confusable(raw: str) -> None:
    """Refuse an e-mail written to pass for another: compatibility characters (full-width
    letters, ligatures) that NFKC rewrites, or a part mixing scripts with look-alike letters
    (a Cyrillic a among Latin letters), per Unicode's confusables data."""
    text = unicodedata.normalize("NFC", raw.strip())
    if unicodedata.normalize("NFKC", text) != text:
        raise InvalidArgument.for_field("email", "uses look-alike characters")
    for part in text.rpartition("@")[::2]:
        if part and confusables.is_dangerous(part):
            raise InvalidArgument.for_field("email", "mixes scripts with look-alike characters")


def check_password(password: str, *, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidArgument.for_field(field, f"must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise InvalidArgument.for_field(field, f"must be at most {PASSWORD_MAX} characters")


def check_text(field: str, value: str, *, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidArgument.for_field(field, "must not be empty")
    if not text.isprintable():
        raise InvalidArgument.for_field(field, "must not contain control characters")
    if len(text) > max_length:
        raise InvalidArgument.for_field(field, f"must be at most {max_length} characters")
    return text
