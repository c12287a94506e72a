"""``python -m tekana_customer [serve|migrate|create-admin|reencrypt-national-ids]``."""

import asyncio
import getpass
import os
import sys
from argparse import Namespace

from tekana_common.context import Role
from tekana_common.errors import DomainError
from tekana_common.grpc_client import grpc_check
from tekana_common.runtime import command_parser, run_command, running_database
from tekana_customer import repository, server, service
from tekana_customer.domain import Gender
from tekana_customer.passwords import Argon2Hasher
from tekana_customer.repository import PostgresCustomerRepository
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
    async with running_database(settings, server.APP) as database:
        admin = await service.register(
            PostgresCustomerRepository(database, server.national_id_cipher(settings)),
            hasher,
            registration,
            roles=frozenset({Role.CUSTOMER, Role.ADMIN}),
        )
    hasher.close()
    print(f"created administrator {admin.email} with id {admin.id}")


async def _reencrypt(settings: CustomerSettings, args: Namespace) -> None:
    cipher = server.national_id_cipher(settings)
    async with running_database(settings, server.APP) as database:
        left = await repository.count_unsealed(database, cipher)
        print(f"{left} national ids to seal under key version {cipher.newest}", flush=True)
        done = 0
        while sealed := await repository.reseal_national_ids(
            database, cipher, batch=args.batch_size
        ):
            done += sealed
            print(f"sealed {done} of {left}", flush=True)
    print(f"every national id is sealed under key version {cipher.newest}")


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
    reencrypt = commands.add_parser(
        "reencrypt-national-ids",
        help="seal every national id under the newest key, in batches (resumable)",
    )
    reencrypt.add_argument("--batch-size", type=int, default=500)
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
    if args.command == "reencrypt-national-ids":
        asyncio.run(_reencrypt(settings, args))
        return 0
    try:
        asyncio.run(_create_admin(settings, args))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


def healthcheck() -> int:
    """The image's ``tekana-healthcheck``: this service's gRPC health, on its own port."""
    return grpc_check(f"127.0.0.1:{CustomerSettings().grpc_port}")


if __name__ == "__main__":
    sys.exit(main())
