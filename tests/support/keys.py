"""Signing keys and hand-made tokens for authentication tests."""

import base64
import hashlib
import hmac
import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tekana_common.auth import ISSUER
from tekana_customer.tokens import TokenIssuer
from tekana_gateway.tokens import TokenVerifier


def key_pair() -> tuple[TokenIssuer, TokenVerifier]:
    private = Ed25519PrivateKey.generate()
    return (
        TokenIssuer(private_key=private, ttl_seconds=900),
        TokenVerifier(public_key=private.public_key()),
    )


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(customer_id: int, *, exp_offset: int = 900) -> dict[str, object]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "sub": str(customer_id),
        "id": customer_id,
        "email": f"c{customer_id}@example.com",
        "roles": ["customer"],
        "iat": now,
        "exp": now + exp_offset,
    }


def alg_none_token(customer_id: int) -> str:
    """An unsigned token (``alg: none``), which must never be accepted."""
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims(customer_id))}."


def signed_by_stranger(customer_id: int) -> str:
    return jwt.encode(claims(customer_id), Ed25519PrivateKey.generate(), algorithm="EdDSA")


def expired_token(private_key: Ed25519PrivateKey, customer_id: int) -> str:
    return jwt.encode(claims(customer_id, exp_offset=-3600), private_key, algorithm="EdDSA")


def hs256_token(payload: dict[str, object], *, secret: bytes) -> str:
    """HS256 by hand, since PyJWT rightly refuses a PEM key as an HMAC secret."""
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"
