"""The access tokens this service signs (their format is ``tekana_common.auth``)."""

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tekana_common import auth
from tekana_common.context import Role


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
        """A signed token of the session ``session_id``, for this issuer's lifetime unless
        ``ttl_seconds`` says otherwise."""
        ttl = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        token = auth.sign(
            self.private_key,
            customer_id=customer_id,
            email=email,
            roles=roles,
            session_id=session_id,
            ttl_seconds=ttl,
        )
        return IssuedToken(token=token, expires_in=ttl)
