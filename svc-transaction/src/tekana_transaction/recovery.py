"""The recovery loop: every few seconds, finish what a crash or an outage left pending."""

import asyncio
from datetime import timedelta

from tekana_common.logging import get_logger
from tekana_transaction.saga import Saga
from tekana_transaction.service import recover_pending

log = get_logger(__name__)


async def run_recovery(saga: Saga, *, interval: float, older_than: timedelta) -> None:
    while True:
        try:
            await recover_pending(saga, older_than=older_than)
        except Exception:
            # The loop must outlive any one bad round (database restart, wallet outage).
            log.exception("recovery_round_failed")
        await asyncio.sleep(interval)
