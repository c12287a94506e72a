"""The legacy import under test: a fixture of the old system's databases, Tekana databases
to import into, the importer run in a process of its own, and what to compare runs by."""

import asyncio
import hashlib
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tekana_common.db import database_url
from tekana_devstack.legacy import fixture, importer
from tests.support.database import server_url, unique_name


@dataclass(frozen=True)
class LegacyDatabases:
    prefix: str
    urls: fixture.Databases

    def args(self) -> list[str]:
        return [
            f"--customer-db={self.urls.customer}",
            f"--wallet-db={self.urls.wallet}",
            f"--transaction-db={self.urls.transaction}",
        ]

    async def execute(self, database: str, sql: str, *args: object) -> None:
        conn = await asyncpg.connect(getattr(self.urls, database))
        try:
            await conn.execute(sql, *args)
        finally:
            await conn.close()

    async def fetchval(self, database: str, sql: str, *args: object) -> object:
        conn = await asyncpg.connect(getattr(self.urls, database))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()


async def make_legacy(customers: int) -> LegacyDatabases:
    prefix = unique_name("tekana_it_legacy")
    return LegacyDatabases(prefix, await fixture.make(server_url(), prefix, customers))


async def fresh_tekana() -> str:
    prefix = unique_name("tekana_it_import")
    await importer.migrate(server_url(), prefix)
    return prefix


def run_import(
    legacy: LegacyDatabases,
    prefix: str,
    report_dir: Path,
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``import-legacy`` in a process of its own (it may be made to SIGKILL itself)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tekana_devstack",
            "import-legacy",
            *legacy.args(),
            f"--database-prefix={prefix}",
            f"--report={report_dir}",
            "--quiet",
            *extra,
        ],
        env={**os.environ, "TEKANA_DATABASE_URL": server_url(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Everything an import decides, without what differs by design between two runs of it:
# random nonces (sealed national ids), ids of the openings' transfers, write times.
_STATE = {
    "customer": [
        """SELECT id, email, password_hash, full_name, gender, disabled_at, email_login,
                  national_id_key, imported_at IS NOT NULL FROM customer ORDER BY id""",
        "SELECT legacy_id, digest, password FROM legacy_import.customer ORDER BY legacy_id",
    ],
    "wallet": [
        # A system wallet's number is random: it is known by its type.
        """SELECT legacy_id, coalesce(legacy_id::text, type), owner_id, type, currency, status,
                  balance, CASE WHEN legacy_id IS NOT NULL THEN account_number END
           FROM wallet ORDER BY type, legacy_id""",
        """SELECT coalesce(w.legacy_id, 0), w.type, e.direction, count(*), sum(e.amount),
                  min(e.balance_after), max(e.balance_after)
           FROM ledger_entry e JOIN wallet w ON w.id = e.wallet_id
           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
        "SELECT count(*), sum(amount), status FROM transfer GROUP BY status",
        """SELECT a.id, w.legacy_id, a.transaction_id, a.direction, a.amount, a.created_at,
                  a.deleted_at
           FROM legacy_activity a JOIN wallet w ON w.id = a.wallet_id ORDER BY a.id""",
        "SELECT * FROM legacy_import.wallet ORDER BY legacy_id",
    ],
    "transaction": [
        """SELECT legacy_id, kind, sender_account, receiver_account, amount, currency, status,
                  sender_owner_id, receiver_owner_id, imported, completed_at, id
           FROM "transaction" WHERE kind <> 'opening' ORDER BY legacy_id""",
        """SELECT count(*), sum(amount), count(DISTINCT id) FROM "transaction"
           WHERE kind = 'opening'""",
    ],
}


async def state_digest(prefix: str) -> dict[str, str]:
    """Per Tekana database, a digest of what the import wrote."""
    digests = {}
    for name, queries in _STATE.items():
        conn = await asyncpg.connect(database_url(server_url(), f"{prefix}_{name}"))
        try:
            h = hashlib.sha256()
            for query in queries:
                try:
                    rows = await conn.fetch(query)
                except asyncpg.UndefinedTableError:  # the importer's own, before it first ran
                    rows = []
                for row in rows:
                    h.update(repr(tuple(row)).encode())
            digests[name] = h.hexdigest()
        finally:
            await conn.close()
    return digests


def digest_now(prefix: str) -> dict[str, str]:
    return asyncio.run(state_digest(prefix))
