"""Statements wait for the pool's connections in arrival order, however many there are."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from tekana_common import db
from tekana_common.runtime import migrate, running_database
from tekana_common.settings import ServiceSettings
from tests.support.database import drop_databases_like, server_url, unique_name

POOL = 1


@pytest.fixture(scope="module")
async def small_pool() -> AsyncIterator[db.Database]:
    name = unique_name("tekana_it_pool")
    settings = ServiceSettings(
        database_url=server_url(), database_name=name, grpc_port=0, database_pool_max=POOL
    )
    await migrate(settings, "tekana_customer")
    async with running_database(settings, "tekana_customer") as database:
        yield database
    await drop_databases_like(name)


async def test_statements_beyond_the_pool_are_served_in_arrival_order(
    small_pool: db.Database,
) -> None:
    finished: list[int] = []

    async def statement(n: int) -> None:
        rows = await small_pool.fetch("SELECT $1::int AS n, pg_sleep(0.005)", n)
        finished.append(rows[0]["n"])

    first_wave = [asyncio.create_task(statement(n)) for n in range(10)]
    await asyncio.sleep(0.012)  # some done, the rest queued, when more arrive
    second_wave = [asyncio.create_task(statement(n)) for n in range(10, 20)]
    await asyncio.gather(*first_wave, *second_wave)
    # One connection: each statement runs alone, and in the order it asked.
    assert finished == list(range(20))
