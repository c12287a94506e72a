"""``python -m tekana_wallet [serve|migrate]``."""

import sys

from tekana_common.runtime import command_parser, run_command
from tekana_wallet import server
from tekana_wallet.settings import WalletSettings


def main() -> int:
    parser, _ = command_parser("tekana_wallet")
    args = parser.parse_args()
    settings = WalletSettings()
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
