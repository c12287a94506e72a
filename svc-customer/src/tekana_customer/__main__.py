"""``python -m tekana_customer [serve|migrate|create-admin]``."""

import asyncio
import getpass
import os
import sys
from argparse import Namespace

from tekana_common.context import Role
from tekana_common.errors import DomainError
from tekana_common.runtime import command_parser, run_command, running_database
from tekana_customer import server, service
from tekana_customer.domain import Gender
from tekana_customer.passwords import Argon2Hasher
from tekana_customer.repository import TortoiseCustomerRepository
from tekana_customer.settings import CustomerSettings


def _admin_password() -> str:
    from_env = os.environ.get("TEKANA_ADMIN_PASSWORD")
    if from_env:
        return from_env
    if sys.stdin.isatty():
        return getpass.getpass("Admin password: ")
    return sys.stdin.readline().rstrip("\n")


async def _create_admin(settings: CustomerSettings, args: Namespace) -> None:
    registration = service.Registration(
        email=args.email,
        password=_admin_password(),
        full_name=args.full_name,
        national_id=args.national_id,
        gender=Gender(args.gender),
    )
    hasher = Argon2Hasher(workers=1)
    async with running_database(settings, server.APP):
        admin = await service.register(
            TortoiseCustomerRepository(),
            hasher,
            registration,
            roles=frozenset({Role.CUSTOMER, Role.ADMIN}),
        )
    hasher.close()
    print(f"created administrator {admin.email} with id {admin.id}")


def main() -> int:
    parser, commands = command_parser("tekana_customer")
    admin = commands.add_parser(
        "create-admin",
        help="create an administrator; the password is read from TEKANA_ADMIN_PASSWORD, "
        "else prompted for, else read from standard input",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--full-name", required=True)
    admin.add_argument("--national-id", required=True)
    admin.add_argument("--gender", required=True, choices=[g.value for g in Gender])
    args = parser.parse_args()
    settings = CustomerSettings()
    if run_command(
        args.command,
        settings,
        name=server.SERVICE,
        app=server.APP,
        serve_main=lambda: server.main(settings),
    ):
        return 0
    try:
        asyncio.run(_create_admin(settings, args))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
