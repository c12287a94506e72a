"""The customer service's settings (environment, prefix ``TEKANA_``)."""

from typing import Annotated, Literal

from pydantic import Field

from tekana_common.auth import MAX_TOKEN_SECONDS
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
    # Threads that run argon2id; unset: as many as this share of the memory limit holds,
    # at most the CPUs the process may use.
    password_hash_workers: int | None = None
    password_hash_memory_share: float = Field(default=0.25, gt=0, le=1)
    # Their CPU priority: "idle" runs them only when nothing else wants the CPU (a login
    # storm then slows logins, not everyone else); a number, that many nice steps lower.
    password_hash_priority: Literal["idle"] | Annotated[int, Field(ge=0, le=19)] = "idle"  # noqa: S105
    # Hashes waiting beyond this are refused (503 login_busy) instead of queued.
    password_hash_queue_max: int = Field(default=1024, ge=1)
