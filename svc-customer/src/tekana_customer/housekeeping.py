"""Background housekeeping of the customer database."""

import asyncio
from datetime import UTC, datetime, timedelta

from tekana_common.auth import MAX_TOKEN_SECONDS
from tekana_common.logging import get_logger
from tekana_customer.ports import SessionRepository

log = get_logger(__name__)


async def keep_sessions_pruned(
    sessions: SessionRepository, *, interval_seconds: float = 600.0, batch: int = 10_000
) -> None:
    """Background loop: delete sessions expired long enough that no token of theirs can be
    valid (every login adds one), so the table holds the live ones only."""
    while True:
        try:
            before = datetime.now(UTC) - timedelta(seconds=MAX_TOKEN_SECONDS + 60)
            # Batch after batch, each its own statement, until one comes back short.
            for _ in range(1_000):
                if await sessions.forget_expired(before, batch=batch) < batch:
                    break
        except Exception:  # the database, say: try again on the next round
            log.exception("session_pruning_failed")
        await asyncio.sleep(interval_seconds)
