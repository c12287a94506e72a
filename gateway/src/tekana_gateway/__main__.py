"""``python -m tekana_gateway``: serve HTTP until SIGINT or SIGTERM."""

import contextlib
import sys

import uvloop
from aiohttp import web

from tekana_common import metrics, tunings
from tekana_common.grpc_client import http_check
from tekana_common.logging import configure_logging, get_logger
from tekana_common.tracing import configure_tracing
from tekana_gateway import server
from tekana_gateway.app import create_app
from tekana_gateway.settings import GatewaySettings


def main() -> int:
    settings = GatewaySettings()
    configure_logging("gateway", level=settings.log_level, fmt=settings.log_format)
    configure_tracing("gateway")
    app = create_app(settings)
    metrics.serve(settings.metrics_host, settings.metrics_port)
    tunings.install()
    with contextlib.suppress(web.GracefulExit, KeyboardInterrupt):
        uvloop.run(
            server.serve(
                app,
                host=settings.http_host,
                port=settings.http_port,
                header_timeout=settings.http_header_timeout_seconds,
                body_timeout=settings.http_body_timeout_seconds,
                keepalive=settings.http_keepalive_seconds,
            )
        )
    get_logger(__name__).info("http_stopped")
    return 0


def healthcheck() -> int:
    """The image's ``tekana-healthcheck``: the gateway's own ``/health``."""
    return http_check(f"http://127.0.0.1:{GatewaySettings().http_port}/health")


if __name__ == "__main__":
    sys.exit(main())
