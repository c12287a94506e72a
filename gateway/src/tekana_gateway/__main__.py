"""``python -m tekana_gateway``: serve HTTP until SIGINT or SIGTERM."""

import sys

import uvloop
from aiohttp import web

from tekana_common.gcpolicy import tune_for_serving
from tekana_common.logging import configure_logging, get_logger
from tekana_common.tracing import configure_tracing
from tekana_gateway.app import create_app
from tekana_gateway.settings import GatewaySettings


def main() -> int:
    settings = GatewaySettings()
    configure_logging("gateway", level=settings.log_level, fmt=settings.log_format)
    configure_tracing("gateway")
    app = create_app(settings)
    get_logger(__name__).info("http_serving", host=settings.http_host, port=settings.http_port)
    tune_for_serving()
    web.run_app(
        app,
        host=settings.http_host,
        port=settings.http_port,
        print=None,
        access_log=None,
        loop=uvloop.new_event_loop(),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
