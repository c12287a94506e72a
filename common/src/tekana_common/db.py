"""PostgreSQL plumbing: one database per service, Tortoise configuration, creation, migration."""

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.transactions import in_transaction

from tekana_common.logging import get_logger

log = get_logger(__name__)


def database_url(server_url: str, database: str) -> str:
    """``server_url`` (any path or query dropped) pointed at ``database``."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", "", ""))


SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
Tls = ssl.SSLContext | SslMode | bool | None


def ssl_option(mode: SslMode | None, root_cert: str | None) -> Tls:
    """asyncpg's ``ssl`` for libpq's ``sslmode``: ``verify-ca`` and ``verify-full`` check
    the server's certificate against ``root_cert`` (else the system's CAs), and
    ``verify-full`` its host name too; None leaves asyncpg's default (``prefer``)."""
    if mode is None:
        return None
    if mode in ("verify-ca", "verify-full"):
        context = ssl.create_default_context(cafile=root_cert)
        context.check_hostname = mode == "verify-full"
        return context
    return False if mode == "disable" else mode


def tortoise_config(
    *,
    server_url: str,
    database: str,
    app: str,
    pool_max: int = 10,
    ssl_mode: SslMode | None = None,
    ssl_root_cert: str | None = None,
) -> dict[str, Any]:
    """Tortoise settings for service package ``app`` (models in ``app.models``)."""
    label = app.removeprefix("tekana_")
    connection = _connection(database_url(server_url, database), pool_max)
    tls = ssl_option(ssl_mode, ssl_root_cert)
    if tls is not None:
        connection["credentials"]["ssl"] = tls
    return {
        "connections": {"default": connection},
        "apps": {
            label: {
                "models": [f"{app}.models"],
                "default_connection": "default",
                "migrations": f"{app}.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(url: str, pool_max: int) -> dict[str, Any]:
    connection: dict[str, Any] = expand_db_url(url)
    connection["credentials"].update(maxsize=pool_max, reset=_keep_session)
    return connection


async def _keep_session(_: asyncpg.Connection) -> None:
    """Pool release hook in place of asyncpg's default reset (``RESET ALL``, ``UNLISTEN *``,
    advisory unlocks: one more round trip after every statement). No service keeps session
    state, and asyncpg still rolls back a transaction left open before calling this."""


async def ensure_database(server_url: str, database: str, *, tls: Tls = None) -> None:
    """Create ``database`` if it does not exist; safe when several processes race."""
    conn = await asyncpg.connect(database_url(server_url, "postgres"), ssl=tls)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            try:
                # Identifiers cannot be bound parameters; quote_ident makes the name safe.
                quoted = await conn.fetchval("SELECT quote_ident($1)", database)
                await conn.execute(f"CREATE DATABASE {quoted}")
                log.info("database_created", database=database)
            except asyncpg.DuplicateDatabaseError:
                pass
    finally:
        await conn.close()


class Database:
    """A service's PostgreSQL on Tortoise's pool (schema, models and migrations are
    Tortoise's): the request paths' statements and transactions, given to repositories."""

    def __init__(self, *, pool_max: int, connection: str = "default") -> None:
        self._connection = connection
        # Statements take the pool's connections in arrival order (asyncio's semaphore is
        # first come, first served): asyncpg's pool hands a released connection to whichever
        # task asks next, so under contention some waited many times over (decision 0016).
        self._turns = asyncio.Semaphore(pool_max)
        self.pool_max = pool_max
        self.in_use = 0  # connections held by this object's statements and transactions

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """Rows of ``query``, in a transaction of its own. The request paths speak SQL here
        rather than through the ORM's query building, which was most of their CPU."""
        client = Tortoise.get_connection(self._connection)
        async with self._turns, client.acquire_connection() as conn:
            self.in_use += 1
            try:
                rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            finally:
                self.in_use -= 1
            return rows

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection in a transaction, committed when the block ends without an error."""
        async with in_transaction(self._connection) as tx, tx.acquire_connection() as conn:
            self.in_use += 1
            try:
                yield conn
            finally:
                self.in_use -= 1


async def open_database(config: dict[str, Any]) -> Database:
    await Tortoise.init(config=config)
    return Database(pool_max=config["connections"]["default"]["credentials"]["maxsize"])


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_answers() -> bool:
    """Health probe: the default connection runs a trivial query."""
    conn = Tortoise.get_connection("default")
    await conn.execute_query("SELECT 1")
    return True
