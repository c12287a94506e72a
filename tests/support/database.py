"""Throw-away databases on the machine's PostgreSQL for one test run."""

import os
import uuid

import asyncpg

from tekana_common.db import Database, database_url
from tekana_common.settings import DEFAULT_DATABASE_URL

# What the storage tests give their repositories: Tortoise's default connection, which the
# integration fixtures open for each test module.
DATABASE = Database(pool_max=10)


def server_url() -> str:
    return os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


async def drop_databases_like(prefix: str) -> None:
    """Drop every database whose name starts with ``prefix`` (forcing off stray sessions)."""
    conn = await asyncpg.connect(database_url(server_url(), "postgres"))
    try:
        names = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "%"
        )
        for row in names:
            quoted = await conn.fetchval("SELECT quote_ident($1)", row["datname"])
            await conn.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        await conn.close()
