"""Each service's storage on a fresh, migrated database on the real PostgreSQL.

Tortoise keeps one global configuration, so each fixture lives for one test module.
"""

from collections.abc import AsyncIterator

import pytest
from tortoise import Tortoise

from tekana_common.runtime import migrate, running_database
from tekana_common.settings import ServiceSettings
from tests.support.database import drop_databases_like, server_url, unique_name


async def _service_database(app: str) -> AsyncIterator[str]:
    name = unique_name(f"tekana_it_{app.removeprefix('tekana_')}")
    settings = ServiceSettings(database_url=server_url(), database_name=name, grpc_port=0)
    await migrate(settings, app)
    async with running_database(settings, app):
        yield name
    await drop_databases_like(name)


@pytest.fixture(scope="module")
async def customer_database() -> AsyncIterator[str]:
    async for name in _service_database("tekana_customer"):
        yield name


@pytest.fixture(scope="module")
async def wallet_database() -> AsyncIterator[str]:
    async for name in _service_database("tekana_wallet"):
        yield name


@pytest.fixture
async def clean_customers(customer_database: str) -> None:
    await Tortoise.get_connection("default").execute_script(
        "TRUNCATE customer RESTART IDENTITY CASCADE"
    )


@pytest.fixture(scope="module")
async def transaction_database() -> AsyncIterator[str]:
    async for name in _service_database("tekana_transaction"):
        yield name
