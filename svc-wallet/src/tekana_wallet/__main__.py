"""``python -m tekana_wallet [serve|migrate]``."""

import sys

from tekana_common.runtime import service_main
from tekana_wallet import server
from tekana_wallet.settings import WalletSettings

if __name__ == "__main__":
    settings = WalletSettings()
    sys.exit(
        service_main(
            "tekana_wallet",
            settings,
            name=server.SERVICE,
            app=server.APP,
            serve_main=lambda: server.main(settings),
        )
    )
