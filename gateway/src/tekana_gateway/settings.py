"""The gateway's settings (environment, prefix ``TEKANA_``)."""

from tekana_common.settings import CommonSettings


class GatewaySettings(CommonSettings):
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    # Prometheus metrics on a port of their own, never the API's; 0 turns them off.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0
    customer_addr: str = "127.0.0.1:50051"
    wallet_addr: str = "127.0.0.1:50052"
    transaction_addr: str = "127.0.0.1:50053"
    jwt_public_key: str | None = None
    jwt_public_key_file: str | None = None
    # Seconds an upstream call may take before the gateway gives up with 504.
    upstream_timeout: float = 10.0
    max_body_bytes: int = 64 * 1024
    # A client has this long to send a request's headers, then its body (slow-loris), and
    # an idle keep-alive connection is closed after the last.
    http_header_timeout_seconds: float = 10.0
    http_body_timeout_seconds: float = 10.0
    http_keepalive_seconds: float = 75.0
    rate_limit_window_seconds: float = 60.0
    rate_limit_per_email: int = 10
    rate_limit_per_address: int = 100
    # Refuse logins (503) rather than skip their limit when Redis is unreachable.
    rate_limit_fail_closed_login: bool = False
    # While the revocation list cannot be kept up to date (Redis down), refuse every token
    # (503) rather than accept tokens revoked since (their signature and expiry still hold).
    revocation_fail_closed: bool = False
    # Proxies in front of the gateway whose X-Forwarded-For entries are trusted (0: none).
    trusted_proxy_hops: int = 0
    # Browser origins allowed to call the API (CORS), e.g. ["https://app.tekana.io"].
    cors_origins: tuple[str, ...] = ()
    # Read-only mode: registration and money movements answer 503 with Retry-After (this
    # many seconds); logins and reads work. For a cut-over window or an incident.
    read_only: bool = False
    read_only_retry_after_seconds: int = 300
