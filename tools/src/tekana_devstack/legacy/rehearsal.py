"""``./taskw cutover:rehearse``: the cut-over end to end on this machine, as the runbook
(docs/cutover.md) has it done on a copy first: a legacy-shaped fixture, the import into
fresh Tekana databases, the acceptance tests (tests/e2e/test_legacy_cutover_e2e.py) driving
a platform on the result through both surfaces, and the report's verdict."""

import argparse
import asyncio
import os
import subprocess
import sys

from tekana_devstack.legacy import fixture, importer
from tekana_devstack.paths import REPO_ROOT, STATE_DIR
from tekana_devstack.up import national_id_keys

# The acceptance tests name customers and wallets of a fixture at least this big.
CUSTOMERS_MIN = 600
ACCEPTANCE = "tests/e2e/test_legacy_cutover_e2e.py"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customers", type=int, default=2_000, help=f"at least {CUSTOMERS_MIN} (default 2000)"
    )
    parser.add_argument(
        "--database-prefix",
        default="tekana_rehearsal",
        help="Tekana's databases, and <prefix>_legacy_* the fixture's (default tekana_rehearsal)",
    )


def run(args: argparse.Namespace, server_url: str) -> int:
    if args.customers < CUSTOMERS_MIN:
        raise SystemExit(f"cutover:rehearse: --customers must be at least {CUSTOMERS_MIN}")
    prefix, legacy_prefix = args.database_prefix, f"{args.database_prefix}_legacy"
    state_dir = STATE_DIR / "rehearsal"
    state_dir.mkdir(parents=True, exist_ok=True)
    # One set of keys seals the national ids on import and opens them on the platform.
    env = {**os.environ, **national_id_keys(state_dir), "TEKANA_DATABASE_URL": server_url}
    os.environ.update(env)
    asyncio.run(fixture.drop(server_url, prefix))
    print(f"cutover:rehearse: a fixture of {args.customers:,} customers", flush=True)
    legacy = asyncio.run(fixture.make(server_url, legacy_prefix, args.customers))
    asyncio.run(importer.migrate(server_url, prefix))
    report = asyncio.run(
        importer.import_legacy(
            legacy_urls=(legacy.customer, legacy.wallet, legacy.transaction),
            server_url=server_url,
            prefix=prefix,
            currency=os.environ.get("TEKANA_DEFAULT_CURRENCY", "USD"),
        )
    )
    json_path, _ = report.write(state_dir / "reports")
    print(f"cutover:rehearse: import report {json_path}", flush=True)
    accepted = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ACCEPTANCE],
        cwd=REPO_ROOT,
        env={
            **env,
            "TEKANA_REHEARSAL_PREFIX": prefix,
            "TEKANA_REHEARSAL_LEGACY_PREFIX": legacy_prefix,
            "TEKANA_REHEARSAL_STATE_DIR": str(state_dir),
        },
        check=False,
    )
    print(f"cutover:rehearse: acceptance {'passed' if accepted.returncode == 0 else 'FAILED'}")
    print(f"cutover:rehearse: verdict: {report.verdict}")
    return 0 if accepted.returncode == 0 and not report.checks else 1
