"""The customer service's settings (environment, prefix ``TEKANA_``)."""

import os

from pydantic import Field

from tekana_common.revocation import MAX_TOKEN_SECONDS
from tekana_common.settings import ServiceSettings


class CustomerSettings(ServiceSettings):
    grpc_port: int = 50051
    database_name: str = "tekana_customer"
    jwt_private_key: str | None = None
    jwt_private_key_file: str | None = None
    # A /v1 access token's lifetime; it is renewed with the refresh token.
    jwt_ttl_seconds: int = Field(default=900, ge=60, le=MAX_TOKEN_SECONDS)
    # The legacy surface's one token: the old front-end logs its user out when it expires.
    legacy_token_ttl_seconds: int = Field(default=8 * 3600, ge=60, le=MAX_TOKEN_SECONDS)
    # A /v1 session ends this long after its refresh token was last used.
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    # National ids are sealed with AES-256-GCM: {"<version>": "<base64 32-byte key>", ...},
    # inline or in a file (a mounted secret). The newest version encrypts; all decrypt.
    national_id_keys: str | None = None
    national_id_keys_file: str | None = None
    # Threads that run argon2; each keeps one core busy while hashing.
    password_hash_workers: int = max(1, os.cpu_count() or 1)
