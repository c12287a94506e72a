"""Settings every process reads from the environment (prefix ``TEKANA_``)."""

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432"


class CommonSettings(BaseSettings):
    """What every Tekana process needs; each process subclasses it with its own fields."""

    model_config = SettingsConfigDict(env_prefix="TEKANA_", extra="ignore")

    log_level: str = "INFO"
    # "auto" renders for humans on a terminal and JSON lines everywhere else.
    log_format: Literal["auto", "json", "console"] = "auto"
    # Wallets created without a currency, and every amount on the legacy API, use this one.
    default_currency: str = "USD"
    # Shared secret every internal gRPC call carries; services refuse calls without it.
    internal_token: str = ""
    # ...or a file holding it (a mounted secret).
    internal_token_file: str | None = None
    # gRPC over TLS when set: this process's certificate and key, and the CA that signs
    # its peers (which also makes servers require client certificates).
    grpc_tls_cert_file: str | None = None
    grpc_tls_key_file: str | None = None
    grpc_tls_ca_file: str | None = None
    # Redis, shared by the gateways and the customer service: token revocations, and the
    # gateway's login and registration limits. Empty disables both (tokens then stay valid
    # until they expire). Keys start with the prefix, so platforms can share one Redis.
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "tekana"


class ServiceSettings(CommonSettings):
    """A gRPC service owning one PostgreSQL database."""

    # Server URL without a database name; each service appends its own database.
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_max: int = 10
    # TLS to PostgreSQL, as libpq's sslmode (unset: asyncpg's default, "prefer"), and the CA
    # that signed the server's certificate (for verify-ca and verify-full).
    database_sslmode: (
        Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] | None
    ) = None
    database_ssl_root_cert: str | None = None
    # Calls served at once, the rest queued in arrival order; unset: database_pool_max.
    max_concurrent_requests: int | None = None
    grpc_host: str = "127.0.0.1"
    grpc_port: int
    database_name: str
    # Prometheus metrics over HTTP; 0 turns them off.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0
