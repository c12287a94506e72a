"""What every step of an import works with: the six connections, the report, the progress
line, and the few facts it decides by."""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from tekana_common import faults
from tekana_customer.national_ids import NationalIdCipher
from tekana_devstack.legacy.piping import Progress, pipe
from tekana_devstack.legacy.report import Report

# The importer's own bookkeeping in each Tekana database: what it last imported of each
# legacy row, written in the same transaction as the rows themselves.
STATE_SCHEMA = "legacy_import"


async def one(conn: asyncpg.Connection, query: str, *args: object) -> asyncpg.Record:
    """The one row ``query`` returns (an aggregate, an INSERT ... RETURNING)."""
    row = await conn.fetchrow(query, *args)
    if row is None:
        raise RuntimeError(f"no row from {query.split()[0]} statement")
    return row


@dataclass
class Legacy:
    customer: asyncpg.Connection
    wallet: asyncpg.Connection
    transaction: asyncpg.Connection
    # The customer database again, for the wallets step, which runs beside the customers'.
    customer_ids: asyncpg.Connection


@dataclass
class Tekana:
    customer: asyncpg.Connection
    wallet: asyncpg.Connection
    transaction: asyncpg.Connection


@dataclass
class Run:
    legacy: Legacy
    tekana: Tekana
    report: Report
    progress: Progress
    currency: str
    # Minor units per major unit of ``currency``: legacy amounts are major units.
    scale: int
    cipher: NationalIdCipher
    dry_run: bool
    # For the resume tests: "<step>:before-commit" or "<step>:after-commit" SIGKILLs the
    # run there (tekana_common.faults). Never set otherwise.
    crash_at: str | None = None

    @asynccontextmanager
    async def step(self, conn: asyncpg.Connection, name: str) -> AsyncIterator[asyncpg.Connection]:
        """One step's writes to one Tekana database, all or nothing: a run killed in the
        middle leaves the database as before the step, and the next run does it again. A
        dry run is one transaction per database from start to end, rolled back (each step
        reads what the ones before it wrote)."""
        started = time.monotonic()
        if self.dry_run:
            yield conn
        else:
            async with conn.transaction():
                yield conn
                self._crash_if(f"{name}:before-commit")
            self._crash_if(f"{name}:after-commit")
        self.progress.note(f"{name}: done in {time.monotonic() - started:.1f} s")

    async def load(
        self,
        source: asyncpg.Connection,
        legacy_table: str,
        query: str,
        target: asyncpg.Connection,
        stage: str,
    ) -> int:
        """``query``'s rows from the legacy ``source`` into ``stage`` on ``target``, with
        progress against ``legacy_table``'s size; that size."""
        total = int(await source.fetchval(f'SELECT count(*) FROM "{legacy_table}"'))
        self.progress.begin(legacy_table)
        seen = await pipe(
            source,
            query,
            target,
            stage,
            on_rows=lambda n: self.progress.update(legacy_table, n, total),
        )
        self.progress.update(legacy_table, seen, total, final=True)
        return total

    def _crash_if(self, point: str) -> None:
        if self.crash_at == point:
            faults.crash()

    def minor(self, column: str) -> str:
        """SQL for a legacy major-units ``numeric`` column in minor units."""
        return f"({column} * {self.scale})::bigint"


async def staged(conn: asyncpg.Connection, table: str) -> int:
    """Statistics for a just-filled stage (temporary tables are never analysed by
    autovacuum, and the planner would guess), and its row count."""
    await conn.execute(f"ANALYZE {table}")
    return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))


@asynccontextmanager
async def bulk(
    conn: asyncpg.Connection, table: str, incoming: int, *, unique: bool = False
) -> AsyncIterator[None]:
    """When ``incoming`` rows outnumber those ``table`` holds, its secondary indexes are
    dropped for the load and built again after, in the same transaction: building an index
    once is several times cheaper than growing it row by row. ``unique``: the unique ones
    too (a load that needs none of them to find conflicts), which the rebuild checks. A
    few rows into a big table keep them all."""
    held = await conn.fetchval(
        "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = $1::regclass", table
    )
    rebuilt: list[tuple[str, str]] = []
    if incoming > held:
        for row in await conn.fetch(
            """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS ddl,
                      c.conname, pg_get_constraintdef(c.oid) AS condef
               FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
                    AND c.conrelid = i.indrelid
               WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
                 AND (NOT i.indisunique OR $2) AND (c.oid IS NULL OR c.contype = 'u')""",
            table,
            unique,
        ):
            if row["conname"]:
                name = await conn.fetchval("SELECT quote_ident($1)", row["conname"])
                drop = f"ALTER TABLE {table} DROP CONSTRAINT {name}"
                rebuilt.append((drop, f"ALTER TABLE {table} ADD CONSTRAINT {name} {row['condef']}"))
            else:
                rebuilt.append((f"DROP INDEX {row['name']}", row["ddl"]))
    for drop, _ in rebuilt:
        await conn.execute(drop)
    yield
    for _, build in rebuilt:
        await conn.execute(build)
    if rebuilt:
        await conn.execute(f"ANALYZE {table}")
