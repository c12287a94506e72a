"""Settings every process reads from the environment (prefix ``TEKANA_``), and the
transport they imply: how services trust each other, by a shared internal token on every
call, and TLS (mutual, when a CA is configured) when certificates are configured; plain on
loopback otherwise."""

import ssl
from dataclasses import dataclass
from pathlib import Path
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
    # Told to stop, a process stays up but not ready this long, so callers and Services
    # move away before it closes (tekana_common.draining); 0 stops at once.
    drain_seconds: float = 0.0


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


_ALPN = ["h2"]


class TransportConfigError(RuntimeError):
    """The process cannot talk to or serve other services as configured."""


def _read_token(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise TransportConfigError(f"cannot read the internal token from {path}") from exc


@dataclass(frozen=True, slots=True)
class Transport:
    internal_token: str
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    tls_ca_file: str | None = None

    @classmethod
    def from_settings(cls, settings: CommonSettings) -> "Transport":
        token = settings.internal_token or _read_token(settings.internal_token_file)
        if not token:
            raise TransportConfigError(
                "TEKANA_INTERNAL_TOKEN is not set: services accept only calls that carry it"
            )
        if bool(settings.grpc_tls_cert_file) != bool(settings.grpc_tls_key_file):
            raise TransportConfigError(
                "set both TEKANA_GRPC_TLS_CERT_FILE and TEKANA_GRPC_TLS_KEY_FILE, or neither"
            )
        return cls(
            internal_token=token,
            tls_cert_file=settings.grpc_tls_cert_file,
            tls_key_file=settings.grpc_tls_key_file,
            tls_ca_file=settings.grpc_tls_ca_file,
        )

    def server_ssl(self) -> ssl.SSLContext | None:
        """TLS for a server with a certificate; clients must present one when a CA is set."""
        if not self.tls_cert_file or not self.tls_key_file:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.tls_cert_file, self.tls_key_file)
        context.set_alpn_protocols(_ALPN)
        if self.tls_ca_file:
            context.load_verify_locations(self.tls_ca_file)
            context.verify_mode = ssl.CERT_REQUIRED
        return context

    def client_ssl(self) -> ssl.SSLContext | None:
        """TLS to servers signed by the CA, presenting this process's certificate if any."""
        if not self.tls_ca_file:
            return None
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.tls_ca_file)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_alpn_protocols(_ALPN)
        if self.tls_cert_file and self.tls_key_file:
            context.load_cert_chain(self.tls_cert_file, self.tls_key_file)
        return context
