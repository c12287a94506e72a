"""Composition root: builds the customer service's objects and runs them."""

from functools import partial

from tekana_common.auth import load_private_key, read_key_material, redis_client
from tekana_common.logging import get_logger
from tekana_common.runtime import running_database, serve_service
from tekana_customer.domain import TokenLifetimes
from tekana_customer.housekeeping import keep_sessions_pruned
from tekana_customer.national_ids import NationalIdCipher, load_keys
from tekana_customer.passwords import (
    Argon2Hasher,
    cpu_limit,
    memory_limit_bytes,
    workers_for,
)
from tekana_customer.repository import PostgresCustomerRepository
from tekana_customer.revocations import PublishedRevocations, RevocationPublisher
from tekana_customer.rpc import CustomerServicer
from tekana_customer.service import Sessions
from tekana_customer.session_repository import PostgresSessionRepository
from tekana_customer.settings import CustomerSettings
from tekana_customer.tokens import TokenIssuer

log = get_logger(__name__)

SERVICE = "svc-customer"
APP = "tekana_customer"


def token_issuer(settings: CustomerSettings) -> TokenIssuer:
    pem = read_key_material(
        inline=settings.jwt_private_key, path=settings.jwt_private_key_file, what="private key"
    )
    return TokenIssuer(private_key=load_private_key(pem), ttl_seconds=settings.jwt_ttl_seconds)


def national_id_cipher(settings: CustomerSettings) -> NationalIdCipher:
    return NationalIdCipher(
        load_keys(inline=settings.national_id_keys, path=settings.national_id_keys_file)
    )


def password_hasher(settings: CustomerSettings) -> Argon2Hasher:
    workers = settings.password_hash_workers or workers_for(
        memory_limit_bytes(), settings.password_hash_memory_share, cpu_limit()
    )
    log.info("argon2_workers", workers=workers, priority=settings.password_hash_priority)
    return Argon2Hasher(
        workers=workers,
        priority=settings.password_hash_priority,
        queue_max=settings.password_hash_queue_max,
    )


def lifetimes(settings: CustomerSettings) -> TokenLifetimes:
    return TokenLifetimes(
        access=settings.jwt_ttl_seconds,
        legacy=settings.legacy_token_ttl_seconds,
        refresh=settings.refresh_token_ttl_seconds,
    )


async def main(settings: CustomerSettings) -> None:
    issuer = token_issuer(settings)
    cipher = national_id_cipher(settings)
    hasher = password_hasher(settings)
    client = redis_client(settings.redis_url)
    try:
        async with running_database(settings, APP) as database:
            session_repo = PostgresSessionRepository(database)
            revocations = PublishedRevocations(
                RevocationPublisher(client, prefix=settings.redis_prefix),
                session_repo,
                lifetimes(settings),
            )
            sessions = Sessions(session_repo, issuer, lifetimes(settings), revocations)
            servicer = CustomerServicer(
                repo=PostgresCustomerRepository(database, cipher), hasher=hasher, sessions=sessions
            )
            await serve_service(
                settings,
                name=SERVICE,
                servicers=[servicer],
                background=[
                    revocations.keep_published,
                    partial(keep_sessions_pruned, session_repo),
                ],
            )
    finally:
        hasher.close()
        if client is not None:
            await client.aclose()
