"""Rows from one PostgreSQL to another without holding them: ``COPY (query) TO STDOUT`` on
the source feeds ``COPY table FROM STDIN`` on the target, chunk by chunk through a short
queue, so memory stays flat however many rows there are. The bytes pass through as
PostgreSQL wrote them (text format, one line per row): nothing is parsed here."""

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import asyncpg

# Chunks in flight between the two servers (asyncpg hands over about 64 KiB at a time).
QUEUE_CHUNKS = 64
# Plain progress lines, when not on a terminal, at most this often.
LINE_EVERY_SECONDS = 10.0


@dataclass
class Progress:
    """Rows per table, their rate and, where the total is known, the time left: a live line
    on a terminal, a line every ``LINE_EVERY_SECONDS`` otherwise."""

    quiet: bool = False
    _started: dict[str, float] = field(default_factory=dict)
    _shown: float = 0.0

    def note(self, line: str) -> None:
        if not self.quiet:
            print(f"import-legacy: {line}", file=sys.stderr, flush=True)

    def begin(self, table: str) -> None:
        self._started[table] = time.monotonic()

    def update(self, table: str, rows: int, total: int | None, *, final: bool = False) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        started = self._started.setdefault(table, now)
        live = sys.stderr.isatty()
        if not final and now - self._shown < (0.2 if live else LINE_EVERY_SECONDS):
            return
        self._shown = now
        elapsed = max(now - started, 1e-6)
        rate = rows / elapsed
        line = f"import-legacy: {table}: {rows:,} rows, {rate:,.0f}/s"
        if total:
            left = max(total - rows, 0) / rate if rate else 0.0
            line += f", {100 * rows / total:.0f} % of {total:,}, {left:.0f} s left"
        if final:
            line += f", done in {elapsed:.1f} s"
        if live:
            print(f"\r\x1b[2K{line}", end="\n" if final else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


async def pipe(
    source: asyncpg.Connection,
    query: str,
    target: asyncpg.Connection,
    table: str,
    *,
    columns: list[str] | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Copy what ``query`` selects on ``source`` into ``table`` on ``target``; the number of
    rows. ``on_rows`` hears the running count as chunks pass."""
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_CHUNKS)
    counted = 0

    async def produce(chunk: bytes) -> None:
        await chunks.put(chunk)

    async def consume() -> AsyncIterator[bytes]:
        nonlocal counted
        while (chunk := await chunks.get()) is not None:
            # Text COPY escapes newlines inside values: one newline is one row.
            counted += chunk.count(b"\n")
            if on_rows is not None:
                on_rows(counted)
            yield chunk

    async def read() -> None:
        try:
            await source.copy_from_query(query, output=produce)
        finally:
            await chunks.put(None)

    reader = asyncio.create_task(read())
    try:
        await target.copy_to_table(table, source=consume(), columns=columns)
    finally:
        if not reader.done():
            reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    await reader  # a failure of the source is the copy's failure
    return counted
