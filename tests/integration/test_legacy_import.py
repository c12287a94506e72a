"""The legacy import on the real PostgreSQL: every kind of inconsistency counted as the old
data holds it (counted here with SQL of its own), the books reconciled to the cent, a second
run importing nothing twice, a run killed at each step finishing as an uninterrupted one, a
later run bringing over what changed, and a dry run writing nothing."""

import asyncio
import json
import unicodedata
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tekana_common.db import database_url
from tekana_devstack import invariants
from tests.support.database import drop_databases_like, server_url
from tests.support.legacy import (
    LegacyDatabases,
    digest_now,
    fresh_tekana,
    make_legacy,
    run_import,
    state_digest,
)

CUSTOMERS = 600


@pytest.fixture(scope="module")
def legacy() -> Iterator[LegacyDatabases]:
    made = asyncio.run(make_legacy(CUSTOMERS))
    yield made
    asyncio.run(drop_databases_like(made.prefix))


@pytest.fixture
async def tekana() -> AsyncIterator[str]:
    prefix = await fresh_tekana()
    yield prefix
    await drop_databases_like(prefix)


def imported(legacy: LegacyDatabases, prefix: str, reports: Path, *extra: str) -> dict[str, Any]:
    """Run the import; its JSON report."""
    before = set(reports.glob("import-*.json")) if reports.exists() else set()
    done = run_import(legacy, prefix, reports, *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    (path,) = set(reports.glob("import-*.json")) - before
    report: dict[str, Any] = json.loads(path.read_text())
    assert (reports / path.name.replace(".json", ".md")).exists()
    return report


async def _legacy_counts(legacy: LegacyDatabases) -> dict[str, int]:
    """Each kind, counted in the legacy databases by this test's own SQL."""
    urls = legacy.urls
    w, c, t = [await asyncpg.connect(u) for u in (urls.wallet, urls.customer, urls.transaction)]
    try:
        mismatch = await w.fetchval(
            """SELECT count(*) FROM wallet x WHERE balance <> coalesce((SELECT sum(CASE action
               WHEN 'credit' THEN amount ELSE -amount END) FROM wallet_activity_log a
               WHERE a."walletId" = x.id AND action IS NOT NULL), 0)"""
        )
        customer_ids = [r["id"] for r in await c.fetch("SELECT id FROM customer")]
        orphan_wallets = await w.fetchval(
            'SELECT count(*) FROM wallet WHERE NOT ("customerId" = ANY($1::int[]))', customer_ids
        )
        emails = await c.fetch("SELECT id, email FROM customer")
        keys: dict[str, int] = {}
        for row in emails:
            key = unicodedata.normalize("NFKC", row["email"].strip()).casefold()
            keys[key] = keys.get(key, 0) + 1
        duplicates = sum(n - 1 for n in keys.values())
        # Per transaction: the sender's debit row and the receiver's credit row.
        rows = {
            (r["tx"], r["acc"], r["action"])
            for r in await w.fetch(
                """SELECT a."transactionId" AS tx, x."accNumber" AS acc, a.action::text AS action
                   FROM wallet_activity_log a JOIN wallet x ON x.id = a."walletId" """
            )
        }
        half = pending = non_positive = selfs = 0
        for tx in await t.fetch(
            'SELECT id, amount, status::text, "senderAcc", "receiverAcc" FROM transaction'
        ):
            debit = (tx["id"], tx["senderAcc"], "debit") in rows
            credit = (tx["id"], tx["receiverAcc"], "credit") in rows
            half += debit != credit
            pending += tx["status"] == "pending"
            non_positive += tx["amount"] <= 0
            selfs += tx["senderAcc"] == tx["receiverAcc"]
        non_positive += await w.fetchval(
            """SELECT count(*) FROM wallet_activity_log WHERE amount <= 0
               AND "walletId" IS NOT NULL AND action IS NOT NULL"""
        )
        soft = sum(
            [
                await c.fetchval("SELECT count(*) FROM customer WHERE deleted_at IS NOT NULL"),
                await w.fetchval("SELECT count(*) FROM wallet WHERE deleted_at IS NOT NULL"),
                await w.fetchval(
                    """SELECT count(*) FROM wallet_activity_log WHERE deleted_at IS NOT NULL
                       AND "walletId" IS NOT NULL AND action IS NOT NULL"""
                ),
                await t.fetchval("SELECT count(*) FROM transaction WHERE deleted_at IS NOT NULL"),
            ]
        )
        return {
            "balance_mismatch": mismatch,
            "negative_balance": await w.fetchval("SELECT count(*) FROM wallet WHERE balance < 0"),
            "half_done_transfer": half,
            "stuck_pending": pending,
            "non_positive_amount": non_positive,
            "self_transfer": selfs,
            "orphan_activity": await w.fetchval(
                """SELECT count(*) FROM wallet_activity_log
                   WHERE "walletId" IS NULL OR action IS NULL"""
            ),
            "orphan_wallet": orphan_wallets,
            "duplicate_email": duplicates,
            "soft_deleted": soft,
        }
    finally:
        for conn in (w, c, t):
            await conn.close()


async def test_every_kind_is_counted_and_the_books_reconcile(
    legacy: LegacyDatabases, tekana: str, tmp_path: Path
) -> None:
    report = imported(legacy, tekana, tmp_path)
    expected = await _legacy_counts(legacy)
    assert all(expected.values()), expected  # the fixture plants every kind
    assert report["kinds"] == expected
    listed = [(a["kind"], a["table"]) for a in report["anomalies"]]
    assert len(listed) == sum(expected.values())
    assert report["verdict"].startswith("reconciled to the cent")
    totals = report["totals"]
    positive = await legacy.fetchval(
        "wallet", "SELECT sum(greatest(balance, 0) * 100)::bigint FROM wallet"
    )
    deficits = await legacy.fetchval(
        "wallet", "SELECT sum(greatest(-balance, 0) * 100)::bigint FROM wallet"
    )
    assert totals["imported_balance_total_minor"] == positive
    assert totals["receivable_total_minor"] == deficits
    assert totals["imported_customers"] == totals["legacy_customers"] == CUSTOMERS
    assert await invariants.violations(server_url(), tekana) == []
    # A negative wallet opens at zero, frozen; an orphan is frozen and owned by no one.
    wallets = await asyncpg.connect(database_url(server_url(), f"{tekana}_wallet"))
    try:
        negative = await wallets.fetch(
            "SELECT balance, status FROM wallet WHERE legacy_id IN (7, 507)"
        )
        assert [(r["balance"], r["status"]) for r in negative] == [(0, "frozen"), (0, "frozen")]
        orphan = await wallets.fetchrow(
            "SELECT owner_id, status, balance FROM wallet WHERE legacy_id = $1", 2 * CUSTOMERS + 1
        )
        assert orphan is not None
        assert (orphan["owner_id"], orphan["status"], orphan["balance"]) == (None, "frozen", 2500)
    finally:
        await wallets.close()


async def test_a_second_run_imports_nothing_twice(
    legacy: LegacyDatabases, tekana: str, tmp_path: Path
) -> None:
    first = imported(legacy, tekana, tmp_path)
    after_first = await state_digest(tekana)
    second = imported(legacy, tekana, tmp_path)
    assert await state_digest(tekana) == after_first
    assert {what: set(counts.values()) for what, counts in second["changes"].items()} == {
        what: {0} for what in first["changes"]
    }
    assert second["totals"] == first["totals"]
    assert second["kinds"] == first["kinds"]


@pytest.fixture(scope="module")
def uninterrupted(
    legacy: LegacyDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    prefix = asyncio.run(fresh_tekana())
    imported(legacy, prefix, tmp_path_factory.mktemp("reports"))
    yield digest_now(prefix)
    asyncio.run(drop_databases_like(prefix))


# Killed inside each step (its transaction open), and after the last one committed: every
# state a kill can leave (a kill after one step's commit leaves what a kill inside the
# next one does).
@pytest.mark.parametrize(
    "point",
    [
        "customers:before-commit",
        "wallets:before-commit",
        "activity:before-commit",
        "transactions:before-commit",
        "transactions:after-commit",
    ],
)
def test_a_killed_run_started_again_ends_as_an_uninterrupted_one(
    legacy: LegacyDatabases, uninterrupted: dict[str, str], tmp_path: Path, point: str
) -> None:
    prefix = asyncio.run(fresh_tekana())
    try:
        killed = run_import(legacy, prefix, tmp_path, env={"TEKANA_IMPORT_CRASH_AT": point})
        assert killed.returncode == -9, killed.stdout + killed.stderr
        assert not list(tmp_path.glob("import-*.json"))
        imported(legacy, prefix, tmp_path)
        assert digest_now(prefix) == uninterrupted
    finally:
        asyncio.run(drop_databases_like(prefix))


async def test_a_later_run_brings_over_what_changed(tmp_path: Path) -> None:
    legacy = await make_legacy(100)
    prefix = await fresh_tekana()
    try:
        imported(legacy, prefix, tmp_path)
        # Meanwhile on the old system: a new customer with a wallet and a deposit, a
        # transfer to them, and a balance changed.
        await legacy.execute(
            "customer",
            'INSERT INTO customer (email, "fullName", "nationalId", password)'
            " VALUES ('late@example.com', 'Late Comer', '1199000000000001', $1)",
            "$2a$10$" + "x" * 53,
        )
        new_id = await legacy.fetchval("customer", "SELECT max(id) FROM customer")
        account = f"200-{new_id}-1700000099999"
        await legacy.execute(
            "wallet",
            'INSERT INTO wallet ("accNumber", balance, "customerId") VALUES ($1, 75.25, $2)',
            account,
            new_id,
        )
        await legacy.execute(
            "wallet",
            """INSERT INTO wallet_activity_log ("transactionId", amount, action, "walletId")
               SELECT 990001, 75.25, 'credit', id FROM wallet WHERE "accNumber" = $1""",
            account,
        )
        await legacy.execute("wallet", "UPDATE wallet SET balance = balance + 10 WHERE id = 1")
        await legacy.execute(
            "transaction",
            """INSERT INTO transaction (amount, status, "senderAcc", "receiverAcc")
               VALUES (5, 'completed', '200-1-1600000001001', $1)""",
            account,
        )
        report = imported(legacy, prefix, tmp_path)
        changes = report["changes"]
        assert changes["customers"] == {"new": 1, "updated": 0}
        # The new wallet, and wallet 1 whose balance changed.
        assert changes["wallets"] == {"new": 1, "updated": 1, "bookings": 2}
        assert changes["activity"] == {"new": 1, "updated": 0}
        assert changes["transactions"] == {"new": 1, "updated": 0}
        assert changes["openings"] == {"recorded": 2}
        assert report["verdict"].startswith("reconciled to the cent")
        assert await invariants.violations(server_url(), prefix) == []
        wallets = await asyncpg.connect(database_url(server_url(), f"{prefix}_wallet"))
        try:
            balances = {
                r["legacy_id"]: r["balance"]
                for r in await wallets.fetch(
                    "SELECT legacy_id, balance FROM wallet WHERE account_number = $1"
                    " OR legacy_id = 1",
                    account,
                )
            }
        finally:
            await wallets.close()
        first_balance = await legacy.fetchval(
            "wallet", "SELECT (balance * 100)::bigint FROM wallet WHERE id = 1"
        )
        assert isinstance(first_balance, int)
        assert sorted(balances.values()) == sorted([7525, first_balance])
    finally:
        await drop_databases_like(prefix)
        await drop_databases_like(legacy.prefix)


async def test_a_dry_run_writes_only_the_report(
    legacy: LegacyDatabases, tekana: str, tmp_path: Path
) -> None:
    before = await state_digest(tekana)
    report = imported(legacy, tekana, tmp_path, "--dry-run")
    assert report["dry_run"] is True
    assert report["totals"]["imported_customers"] == CUSTOMERS
    assert report["kinds"] == await _legacy_counts(legacy)
    assert await state_digest(tekana) == before


async def test_customers_of_tekana_s_own_are_not_overwritten(
    legacy: LegacyDatabases, tekana: str, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(database_url(server_url(), f"{tekana}_customer"))
    try:
        await conn.execute(
            "INSERT INTO customer (id, email, password_hash, full_name, national_id_cipher,"
            " national_id_key, gender, is_admin, created_at)"
            " VALUES (3, 'admin@tekana.test', 'x', 'Admin', '\\x00', 1, 'F', true, now())"
        )
    finally:
        await conn.close()
    done = run_import(legacy, tekana, tmp_path)
    assert done.returncode != 0
    assert "create administrators after the import" in done.stderr
    assert "Traceback" not in done.stderr
