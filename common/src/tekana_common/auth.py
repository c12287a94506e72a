"""Access tokens: EdDSA (Ed25519) JWTs, signed by the customer service, verified by the gateway."""

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tekana_common.context import Caller, Role
from tekana_common.errors import Unauthenticated

ALGORITHM = "EdDSA"
ISSUER = "tekana"


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


def generate_key_pair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 key pair as (private PEM, public PEM), for development."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class TokenIssuer:
    private_key: Ed25519PrivateKey
    ttl_seconds: int

    def issue(
        self,
        *,
        customer_id: int,
        email: str,
        roles: frozenset[Role],
        session_id: str = "",
        ttl_seconds: int | None = None,
    ) -> IssuedToken:
        """A signed token; ``session_id`` (claim ``sid``) names the session it belongs to,
        so that ending the session refuses it."""
        now = int(time.time())
        ttl = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        claims = {
            "iss": ISSUER,
            "sub": str(customer_id),
            "id": customer_id,
            "email": email,
            "roles": sorted(roles),
            "sid": session_id,
            "iat": now,
            "exp": now + ttl,
        }
        token = jwt.encode(claims, self.private_key, algorithm=ALGORITHM)
        return IssuedToken(token=token, expires_in=ttl)


@dataclass(frozen=True, slots=True)
class Verified:
    """What a valid token says: who calls, in which session, issued when (Unix seconds)."""

    caller: Caller
    session_id: str
    issued_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class TokenVerifier:
    """Checks tokens, remembering the ones already verified: the Ed25519 signature check was
    a fifth of the gateway's CPU per request, and a client sends the same token for up to
    its whole lifetime. A remembered token is still refused once it expires."""

    public_key: Ed25519PublicKey
    leeway_seconds: int = 5
    remembered: int = 50_000
    _verified: OrderedDict[str, Verified] = field(default_factory=OrderedDict)

    def verify(self, token: str) -> Verified:
        """What a valid token says; ``Unauthenticated`` for anything else. Whether it has
        been revoked since is the caller's question (``tekana_common.revocation``)."""
        known = self._verified.get(token)
        if known is not None:
            if time.time() <= known.expires_at + self.leeway_seconds:
                self._verified.move_to_end(token)
                return known
            del self._verified[token]
        verified = self._check(token)
        self._verified[token] = verified
        if len(self._verified) > self.remembered:
            self._verified.popitem(last=False)
        return verified

    def _check(self, token: str) -> Verified:
        try:
            claims = jwt.decode(
                token,
                self.public_key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                leeway=self.leeway_seconds,
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
        caller = Caller(customer_id=customer_id, roles=roles)
        return Verified(caller, session_id, issued_at, expires_at)
