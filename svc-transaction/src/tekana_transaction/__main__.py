"""``python -m tekana_transaction [serve|migrate]``."""

import sys

from tekana_common.runtime import command_parser, run_command
from tekana_transaction import server
from tekana_transaction.settings import TransactionSettings


def main() -> int:
    parser, _ = command_parser("tekana_transaction")
    args = parser.parse_args()
    settings = TransactionSettings()
    run_command(
        args.command,
        settings,
        name=server.SERVICE,
        app=server.APP,
        serve_main=lambda: server.main(settings),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
