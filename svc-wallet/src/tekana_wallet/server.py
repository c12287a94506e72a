"""Composition root: builds the wallet service's objects and runs them."""

from tekana_common import faults
from tekana_common.db import Database
from tekana_common.runtime import running_database, serve_service
from tekana_wallet.ports import WalletRepository
from tekana_wallet.repository import APPLY, PostgresWalletRepository
from tekana_wallet.rpc import WalletServicer
from tekana_wallet.settings import WalletSettings

SERVICE = "svc-wallet"
APP = "tekana_wallet"


def build_servicer(settings: WalletSettings, database: Database) -> WalletServicer:
    point = settings.fault_crash_point
    if point == "apply_before_commit":
        database = faults.crash_before_commit(database, APPLY)
    repo: WalletRepository = PostgresWalletRepository(database)
    if point == "apply_after_commit":
        repo = faults.crash_after(repo, "apply_transfers")
    return WalletServicer(repo=repo, default_currency=settings.default_currency)


async def main(settings: WalletSettings) -> None:
    async with running_database(settings, APP) as database:
        servicer = build_servicer(settings, database)
        await serve_service(settings, name=SERVICE, servicers=[servicer])
