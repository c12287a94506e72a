"""Composition root: builds the transaction service's objects and runs them."""

from datetime import timedelta
from functools import partial

from tekana_common import faults
from tekana_common.db import Database
from tekana_common.grpc_client import open_channel
from tekana_common.runtime import running_database, serve_service
from tekana_common.settings import Transport
from tekana_transaction.domain import AmountCeilings
from tekana_transaction.ports import Ledger, TransactionRepository
from tekana_transaction.recovery import run_recovery
from tekana_transaction.repository import PostgresTransactionRepository
from tekana_transaction.rpc import TransactionServicer
from tekana_transaction.saga import Saga
from tekana_transaction.settings import TransactionSettings
from tekana_transaction.wallet_client import WalletClient

SERVICE = "svc-transaction"
APP = "tekana_transaction"


async def main(settings: TransactionSettings) -> None:
    channel = open_channel(settings.wallet_addr, Transport.from_settings(settings))
    try:
        async with running_database(settings, APP) as database:
            saga = build_saga(
                settings, database, WalletClient(channel, timeout=settings.wallet_timeout)
            )
            servicer = TransactionServicer(
                saga=saga, allow_test_deposits=settings.allow_test_deposits
            )
            recovery = partial(
                run_recovery,
                saga,
                interval=settings.recovery_interval_seconds,
                older_than=timedelta(seconds=settings.recovery_age_seconds),
            )
            await serve_service(settings, name=SERVICE, servicers=[servicer], background=[recovery])
    finally:
        channel.close()


def build_saga(settings: TransactionSettings, database: Database, ledger: Ledger) -> Saga:
    repo: TransactionRepository = PostgresTransactionRepository(database)
    # Crash points for the recovery tests: right after the pending row is stored, and right
    # after the ledger applied the transfer (before it is marked finished).
    if settings.fault_crash_point == "after_pending":
        repo = faults.crash_after(repo, "add_pending")
    if settings.fault_crash_point == "after_apply":
        ledger = faults.crash_after(ledger, "apply")
    ceilings = AmountCeilings(
        default_major=settings.max_movement_major,
        by_currency_major=settings.max_movement_major_by_currency,
    )
    return Saga(repo=repo, ledger=ledger, ceilings=ceilings)
