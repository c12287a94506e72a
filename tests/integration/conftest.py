"""The customer service's storage on a fresh, migrated database on the real PostgreSQL."""

from collections.abc import AsyncIterator

import pytest
from tortoise import Tortoise

from tekana_common.runtime import migrate, running_database
from tekana_customer.server import APP
from tekana_customer.settings import CustomerSettings
from tests.support.database import drop_databases_like, server_url, unique_name


@pytest.fixture(scope="session")
async def customer_database() -> AsyncIterator[str]:
    name = unique_name("tekana_it_customer")
    settings = CustomerSettings(database_url=server_url(), database_name=name)
    await migrate(settings, APP)
    async with running_database(settings, APP):
        yield name
    await drop_databases_like(name)


@pytest.fixture
async def clean_customers(customer_database: str) -> None:
    await Tortoise.get_connection("default").execute_script("TRUNCATE customer RESTART IDENTITY")
