"""``python -m tekana_transaction [serve|migrate]``."""

import sys

from tekana_common.runtime import service_main
from tekana_transaction import server
from tekana_transaction.settings import TransactionSettings

if __name__ == "__main__":
    settings = TransactionSettings()
    sys.exit(
        service_main(
            "tekana_transaction",
            settings,
            name=server.SERVICE,
            app=server.APP,
            serve_main=lambda: server.main(settings),
        )
    )
