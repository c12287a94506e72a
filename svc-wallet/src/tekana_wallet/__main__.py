"""``python -m tekana_wallet [serve|migrate]``; the image runs it as ``tekana-serve``."""

import sys

from tekana_common.grpc_client import grpc_check
from tekana_common.runtime import service_main
from tekana_wallet import server
from tekana_wallet.settings import WalletSettings


def main() -> int:
    settings = WalletSettings()
    return service_main(
        "tekana_wallet",
        settings,
        name=server.SERVICE,
        app=server.APP,
        serve_main=lambda: server.main(settings),
    )


def healthcheck() -> int:
    """The image's ``tekana-healthcheck``: this service's gRPC health, on its own port."""
    return grpc_check(f"127.0.0.1:{WalletSettings().grpc_port}")


if __name__ == "__main__":
    sys.exit(main())
