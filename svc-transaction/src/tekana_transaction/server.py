"""Composition root: builds the transaction service's objects and runs them."""

from datetime import timedelta
from functools import partial

from tekana_common import faults
from tekana_common.grpc_client import open_channel
from tekana_common.runtime import running_database, serve_service
from tekana_common.transport import Transport
from tekana_transaction.domain import AmountCeilings
from tekana_transaction.recovery import run_recovery
from tekana_transaction.repository import TortoiseTransactionRepository
from tekana_transaction.rpc import TransactionServicer
from tekana_transaction.service import Saga
from tekana_transaction.settings import TransactionSettings
from tekana_transaction.wallet_client import WalletClient

SERVICE = "svc-transaction"
APP = "tekana_transaction"


async def main(settings: TransactionSettings) -> None:
    channel = open_channel(settings.wallet_addr, Transport.from_settings(settings))
    saga = Saga(
        repo=TortoiseTransactionRepository(),
        ledger=WalletClient(channel, timeout=settings.wallet_timeout),
        ceilings=AmountCeilings(
            default_major=settings.max_movement_major,
            by_currency_major=settings.max_movement_major_by_currency,
        ),
        after_pending=faults.hook(settings.fault_crash_point, "after_pending"),
        after_apply=faults.hook(settings.fault_crash_point, "after_apply"),
    )
    servicer = TransactionServicer(saga=saga, allow_test_deposits=settings.allow_test_deposits)
    recovery = partial(
        run_recovery,
        saga,
        interval=settings.recovery_interval_seconds,
        older_than=timedelta(seconds=settings.recovery_age_seconds),
    )
    try:
        async with running_database(settings, APP):
            await serve_service(settings, name=SERVICE, servicers=[servicer], background=[recovery])
    finally:
        channel.close()
