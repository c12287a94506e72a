"""The customer service's settings (environment, prefix ``TEKANA_``)."""

import os

from tekana_common.settings import ServiceSettings


class CustomerSettings(ServiceSettings):
    grpc_port: int = 50051
    database_name: str = "tekana_customer"
    jwt_private_key: str | None = None
    jwt_private_key_file: str | None = None
    jwt_ttl_seconds: int = 900
    # Threads that run argon2; each keeps one core busy while hashing.
    password_hash_workers: int = max(1, os.cpu_count() or 1)
