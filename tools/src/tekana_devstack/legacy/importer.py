"""``./taskw import-legacy``: the old system's three databases onto Tekana's, to the cent.

The steps run in order (customers beside wallets and their openings, then activity, then
transactions with the openings' records), each one transaction per Tekana database: a run
killed anywhere leaves every step done or not done, and the next run finishes as an
uninterrupted one would. Each row is compared with what was last imported of it, so a
second run imports nothing twice and a later one brings over exactly what changed. Then
the books are checked against the legacy databases themselves, and the report written.
"""

import argparse
import asyncio
import os
import resource
from pathlib import Path

import asyncpg

from tekana_common import money, runtime
from tekana_common.db import database_url
from tekana_common.settings import DEFAULT_DATABASE_URL, ServiceSettings
from tekana_devstack.components import SERVICES
from tekana_devstack.legacy import customers, history, wallets
from tekana_devstack.legacy.context import Legacy, Run, Tekana, one
from tekana_devstack.legacy.piping import Progress
from tekana_devstack.legacy.report import Report
from tekana_devstack.paths import STATE_DIR
from tekana_devstack.seed import cipher_for

DEFAULT_REPORT_DIR = STATE_DIR / "imports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for name in ("customer", "wallet", "transaction"):
        parser.add_argument(
            f"--{name}-db", required=True, help=f"the old {name} database's URL (read only)"
        )
    parser.add_argument(
        "--database-prefix",
        default="tekana",
        help="Tekana's databases are <prefix>_customer, _wallet, _transaction (default tekana)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        help=f"where import-<UTC time>.json and .md go (default {DEFAULT_REPORT_DIR})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="write only the report; Tekana is left as it is"
    )
    parser.add_argument(
        "--currency",
        default=os.environ.get("TEKANA_DEFAULT_CURRENCY", "USD"),
        help="the one currency of the old balances (default TEKANA_DEFAULT_CURRENCY, else USD)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


async def migrate(server_url: str, prefix: str) -> None:
    """Tekana's databases made and migrated by the services' own migrations."""
    for component in SERVICES:
        settings = ServiceSettings(
            database_url=server_url, database_name=f"{prefix}_{component.name}", grpc_port=0
        )
        await runtime.migrate(settings, component.module)


async def import_legacy(
    *,
    legacy_urls: tuple[str, str, str],
    server_url: str,
    prefix: str,
    currency: str,
    dry_run: bool = False,
    quiet: bool = False,
) -> Report:
    """Run the import; the report of what it found and did (not yet written)."""
    scale = 10 ** money.exponent(currency)
    STATE_DIR.mkdir(parents=True, exist_ok=True)  # the development keys' home, if needed
    opened: list[asyncpg.Connection] = []

    async def connect(url: str) -> asyncpg.Connection:
        conn = await asyncpg.connect(url)
        opened.append(conn)
        return conn

    try:
        legacy = Legacy(*[await connect(url) for url in (*legacy_urls, legacy_urls[0])])
        tekana = Tekana(
            *[
                await connect(database_url(server_url, f"{prefix}_{name}"))
                for name in ("customer", "wallet", "transaction")
            ]
        )
        for conn in (tekana.customer, tekana.wallet, tekana.transaction):
            # Steps move millions of rows in one transaction: no statement limit of a role.
            await conn.execute("SET statement_timeout = 0")
        run = Run(
            legacy,
            tekana,
            Report(dry_run=dry_run),
            Progress(quiet=quiet),
            currency,
            scale,
            cipher_for(STATE_DIR),
            dry_run,
            crash_at=os.environ.get("TEKANA_IMPORT_CRASH_AT"),
        )
        await customers.check_room(run)
        if dry_run:
            # Each database's one transaction, never committed (Run.step).
            for conn in (tekana.customer, tekana.wallet, tekana.transaction):
                await conn.transaction().start()
        # Two databases each, apart: on two cores, side by side.
        await asyncio.gather(customers.import_customers(run), wallets.import_wallets(run))
        await history.import_activity(run)
        await history.import_transactions(run)
        await check_books(run)
        return run.report
    finally:
        # Closing a connection rolls back what it left open (a dry run's transactions).
        for conn in opened:
            await conn.close()


async def check_books(run: Run) -> None:
    """The totals, read back from Tekana and from the legacy databases themselves."""
    report, tekana = run.report, run.tekana
    legacy = await one(
        run.legacy.wallet,
        f"""SELECT coalesce(sum({run.minor("balance")}), 0) AS total,
                   coalesce(sum(greatest({run.minor("balance")}, 0)), 0) AS positive,
                   coalesce(sum(greatest(-{run.minor("balance")}, 0)), 0) AS deficits
            FROM wallet""",
    )
    books = await one(
        tekana.wallet,
        """SELECT coalesce(sum(balance) FILTER (WHERE legacy_id IS NOT NULL), 0) AS imported,
                  coalesce(sum(balance) FILTER (WHERE type = 'receivable' AND currency = $1), 0)
                      AS receivable,
                  coalesce(sum(balance) FILTER (WHERE currency = $1), 0) AS currency_sum
           FROM wallet""",
        run.currency,
    )
    report.totals.update(
        legacy_balance_total_minor=int(legacy["total"]),
        imported_balance_total_minor=int(books["imported"]),
        receivable_total_minor=int(books["receivable"]),
    )
    if books["imported"] != legacy["positive"]:
        report.failed(
            f"imported balances {books['imported']} != legacy non-negative balances"
            f" {legacy['positive']}"
        )
    if books["receivable"] != legacy["deficits"]:
        report.failed(f"receivable {books['receivable']} != legacy deficits {legacy['deficits']}")
    if books["currency_sum"] != 0:
        report.failed(f"{run.currency} sums to {books['currency_sum']}, not 0")
    unbooked = await tekana.wallet.fetchval(
        """SELECT count(*) FROM wallet w
           LEFT JOIN (SELECT wallet_id,
                             sum(CASE direction WHEN 'credit' THEN amount ELSE -amount END) AS s
                      FROM ledger_entry GROUP BY wallet_id) e ON e.wallet_id = w.id
           WHERE w.legacy_id IS NOT NULL AND w.balance <> coalesce(e.s, 0)"""
    )
    if unbooked:
        report.failed(f"{unbooked} imported wallets' balances differ from their entries")
    for what, legacy_total, imported in (
        ("customers", "legacy_customers", "imported_customers"),
        ("wallets", "legacy_wallets", "imported_wallets"),
    ):
        if report.totals[legacy_total] != report.totals[imported]:
            report.failed(f"{report.totals[imported]} of {report.totals[legacy_total]} {what}")
    kept_activity = report.totals["legacy_activity_rows"] - report.kinds["orphan_activity"]
    if report.totals["imported_activity_rows"] != kept_activity:
        report.failed(
            f"{report.totals['imported_activity_rows']} activity rows, not {kept_activity}"
        )


def run(args: argparse.Namespace) -> int:
    server_url = os.environ.get("TEKANA_DATABASE_URL", DEFAULT_DATABASE_URL)
    if not args.dry_run:
        asyncio.run(migrate(server_url, args.database_prefix))
    report = asyncio.run(
        import_legacy(
            legacy_urls=(args.customer_db, args.wallet_db, args.transaction_db),
            server_url=server_url,
            prefix=args.database_prefix,
            currency=args.currency,
            dry_run=args.dry_run,
            quiet=args.quiet,
        )
    )
    json_path, md_path = report.write(args.report)
    print(f"import-legacy: report {json_path} and {md_path}")
    print(f"import-legacy: verdict: {report.verdict}")
    # Linux counts it in KiB. Flat in the size of the import: nothing is held whole.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"import-legacy: peak memory {peak} KiB")
    return 0 if not report.checks else 1
