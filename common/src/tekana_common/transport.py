"""How services trust each other: a shared internal token on every call, and TLS (mutual,
when a CA is configured) when certificates are configured; plain on loopback otherwise."""

import ssl
from dataclasses import dataclass
from pathlib import Path

from tekana_common.settings import CommonSettings

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
