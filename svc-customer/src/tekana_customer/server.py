"""Composition root: builds the customer service's objects and runs them."""

from tekana_common.auth import TokenIssuer, load_private_key, read_key_material
from tekana_common.runtime import running_database, serve_service
from tekana_customer.passwords import Argon2Hasher
from tekana_customer.repository import TortoiseCustomerRepository
from tekana_customer.rpc import CustomerServicer
from tekana_customer.settings import CustomerSettings

SERVICE = "svc-customer"
APP = "tekana_customer"


def token_issuer(settings: CustomerSettings) -> TokenIssuer:
    pem = read_key_material(
        inline=settings.jwt_private_key, path=settings.jwt_private_key_file, what="private key"
    )
    return TokenIssuer(private_key=load_private_key(pem), ttl_seconds=settings.jwt_ttl_seconds)


async def main(settings: CustomerSettings) -> None:
    issuer = token_issuer(settings)
    hasher = Argon2Hasher(workers=settings.password_hash_workers)
    async with running_database(settings, APP):
        servicer = CustomerServicer(repo=TortoiseCustomerRepository(), hasher=hasher, issuer=issuer)
        await serve_service(settings, name=SERVICE, servicers=[servicer])
    hasher.close()
