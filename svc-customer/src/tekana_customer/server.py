"""Composition root: builds the customer service's objects and runs them."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tekana_common import db
from tekana_common.auth import TokenIssuer, load_private_key, read_key_material
from tekana_common.grpc import build_server, serve
from tekana_common.logging import configure_logging
from tekana_customer.passwords import Argon2Hasher
from tekana_customer.repository import TortoiseCustomerRepository
from tekana_customer.rpc import CustomerServicer
from tekana_customer.settings import CustomerSettings

SERVICE = "svc-customer"


def database_config(settings: CustomerSettings) -> dict[str, object]:
    return db.tortoise_config(
        server_url=settings.database_url,
        database=settings.database_name,
        app="tekana_customer",
        pool_max=settings.database_pool_max,
    )


def token_issuer(settings: CustomerSettings) -> TokenIssuer:
    pem = read_key_material(
        inline=settings.jwt_private_key, path=settings.jwt_private_key_file, what="private key"
    )
    return TokenIssuer(private_key=load_private_key(pem), ttl_seconds=settings.jwt_ttl_seconds)


async def migrate(settings: CustomerSettings) -> None:
    await db.ensure_database(settings.database_url, settings.database_name)
    await db.apply_migrations(database_config(settings))


@asynccontextmanager
async def running_database(settings: CustomerSettings) -> AsyncIterator[None]:
    await db.open_database(database_config(settings))
    try:
        yield
    finally:
        await db.close_database()


async def main(settings: CustomerSettings) -> None:
    issuer = token_issuer(settings)
    hasher = Argon2Hasher(workers=settings.password_hash_workers)
    async with running_database(settings):
        servicer = CustomerServicer(repo=TortoiseCustomerRepository(), hasher=hasher, issuer=issuer)
        server = build_server([servicer], checks=[db.database_answers])
        await serve(server, host=settings.grpc_host, port=settings.grpc_port, service=SERVICE)
    hasher.close()


def configure(settings: CustomerSettings) -> None:
    configure_logging(SERVICE, level=settings.log_level, fmt=settings.log_format)
