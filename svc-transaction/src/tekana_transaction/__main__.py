"""``python -m tekana_transaction [serve|migrate]``; the image runs it as ``tekana-serve``."""

import sys

from tekana_common.grpc_client import grpc_check
from tekana_common.runtime import service_main
from tekana_transaction import server
from tekana_transaction.settings import TransactionSettings


def main() -> int:
    settings = TransactionSettings()
    return service_main(
        "tekana_transaction",
        settings,
        name=server.SERVICE,
        app=server.APP,
        serve_main=lambda: server.main(settings),
    )


def healthcheck() -> int:
    """The image's ``tekana-healthcheck``: this service's gRPC health, on its own port."""
    return grpc_check(f"127.0.0.1:{TransactionSettings().grpc_port}")


if __name__ == "__main__":
    sys.exit(main())
