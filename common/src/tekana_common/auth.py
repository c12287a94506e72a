"""Access tokens and their revocation, as both sides spell them. Tokens are EdDSA (Ed25519)
JWTs, signed by the customer service (``tekana_customer.tokens``) and verified by the
gateway (``tekana_gateway.tokens``). Revocations go through Redis, published by the
customer service and followed by every gateway (``revocations`` in each): a session
(logout, a reused refresh token) refuses every token with its ``sid``; a customer's point
(disabled, or every session ended) refuses their tokens issued at or before it. Entries
are kept while a token they refuse could still be valid."""

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jwt
import redis.asyncio as redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tekana_common.context import Caller, Role
from tekana_common.errors import Unauthenticated

ALGORITHM = "EdDSA"
ISSUER = "tekana"
MAX_TOKEN_SECONDS = 24 * 3600  # no token lives longer (the legacy one is capped at this)
REVOCATION_KEEP_SECONDS = MAX_TOKEN_SECONDS + 60
REVOCATION_STREAM_LENGTH = 100_000


class KeyConfigError(RuntimeError):
    """A signing or verification key is missing or unreadable; the process cannot start."""


def read_key_material(*, inline: str | None, path: str | None, what: str) -> bytes:
    """PEM text from an environment value, else from a file; never both silently."""
    if inline:
        return inline.encode()
    if path:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise KeyConfigError(f"cannot read {what} from {path}: {exc.strerror}") from exc
    raise KeyConfigError(f"no {what} configured: set TEKANA_JWT_{what.upper().replace(' ', '_')}")


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyConfigError("the JWT private key must be an Ed25519 key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise KeyConfigError("the JWT public key must be an Ed25519 key")
    return key


@dataclass(frozen=True, slots=True)
class Verified:
    """What a valid token says: who calls, in which session, issued when (Unix seconds)."""

    caller: Caller
    session_id: str
    issued_at: int
    expires_at: int


def sign(
    key: Ed25519PrivateKey,
    *,
    customer_id: int,
    email: str,
    roles: frozenset[Role],
    session_id: str,
    ttl_seconds: int,
) -> str:
    """A token for ``customer_id``, valid for ``ttl_seconds`` from now; ``session_id``
    (claim ``sid``) names the session it belongs to, so that ending the session refuses it."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": str(customer_id),
        "id": customer_id,
        "email": email,
        "roles": sorted(roles),
        "sid": session_id,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read(token: str, key: Ed25519PublicKey, *, leeway_seconds: int) -> Verified:
    """What ``token`` says if ``key`` signed it and it is valid; else ``Unauthenticated``."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            leeway=leeway_seconds,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
        customer_id = claims["id"]
        roles = frozenset(Role(r) for r in claims.get("roles", [Role.CUSTOMER]))
        session_id = str(claims.get("sid", ""))
        issued_at, expires_at = int(claims["iat"]), int(claims["exp"])
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
        raise Unauthenticated("invalid_token", "Unauthorized") from exc
    if not isinstance(customer_id, int) or isinstance(customer_id, bool):
        raise Unauthenticated("invalid_token", "Unauthorized")
    return Verified(Caller(customer_id=customer_id, roles=roles), session_id, issued_at, expires_at)


class RevocationKind(StrEnum):
    SESSION = "session"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class RevocationKeys:
    """The Redis keys of one deployment (``prefix``): two sorted sets and a stream."""

    sessions: str
    customers: str
    stream: str

    @classmethod
    def for_prefix(cls, prefix: str) -> "RevocationKeys":
        base = f"{prefix}:revoked"
        return cls(f"{base}:sessions", f"{base}:customers", f"{base}:stream")


def revocation_entry(kind: RevocationKind, member: str, score: float) -> dict[str, str]:
    """A stream entry announcing one revocation."""
    return {"kind": kind, "id": member, "score": repr(score)}


def parse_revocation_entry(values: dict[bytes, bytes]) -> tuple[RevocationKind, str, float]:
    """(kind, member, score) of an entry ``revocation_entry`` wrote."""
    fields = {k.decode(): v.decode() for k, v in values.items()}
    return RevocationKind(fields["kind"]), fields["id"], float(fields["score"])


def redis_client(url: str) -> "redis.Redis | None":
    """A client for ``url`` with short timeouts (an outage must cost little), or None."""
    if not url:
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2.0)
