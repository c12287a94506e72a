"""Revocations published to Redis for the gateways, never lost: a publish that fails is
retried from the database (which holds every ended session and revocation point) until
Redis takes it, and everything recent is published again at start-up."""

import asyncio
import time
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

import redis.asyncio as redis
from redis.exceptions import RedisError

from tekana_common.auth import (
    MAX_TOKEN_SECONDS,
    REVOCATION_KEEP_SECONDS,
    REVOCATION_STREAM_LENGTH,
    RevocationKeys,
    RevocationKind,
    revocation_entry,
)
from tekana_common.logging import get_logger
from tekana_customer.domain import Surface, TokenLifetimes
from tekana_customer.ports import SessionRepository

log = get_logger(__name__)


class RevocationPublisher:
    """Records a revocation in Redis and announces it on the stream the gateways follow."""

    def __init__(self, client: "redis.Redis | None", *, prefix: str) -> None:
        self._redis = client
        self._keys = RevocationKeys.for_prefix(prefix)

    async def revoke_session(self, session_id: str, *, valid_seconds: int) -> None:
        """Tokens of ``session_id`` refused for the next ``valid_seconds`` (their lifetime)."""
        until = time.time() + min(valid_seconds, MAX_TOKEN_SECONDS) + 60
        await self._publish(RevocationKind.SESSION, session_id, until)

    async def revoke_customer(self, customer_id: int, *, at: float) -> None:
        """Tokens of ``customer_id`` issued at or before ``at`` (Unix seconds) refused."""
        await self._publish(RevocationKind.CUSTOMER, str(customer_id), at)

    async def _publish(self, kind: RevocationKind, member: str, score: float) -> None:
        if self._redis is None:
            return
        keys = self._keys
        async with self._redis.pipeline(transaction=True) as pipe:
            now = time.time()
            pipe.zadd(
                keys.sessions if kind is RevocationKind.SESSION else keys.customers, {member: score}
            )
            pipe.zremrangebyscore(keys.sessions, "-inf", now)
            pipe.zremrangebyscore(keys.customers, "-inf", now - REVOCATION_KEEP_SECONDS)
            pipe.xadd(
                keys.stream,
                revocation_entry(kind, member, score),  # type: ignore[arg-type]  # redis-py: invariant Dict
                maxlen=REVOCATION_STREAM_LENGTH,
                approximate=True,
            )
            await pipe.execute()


class PublishedRevocations:
    def __init__(
        self,
        publisher: RevocationPublisher,
        sessions: SessionRepository,
        lifetimes: TokenLifetimes,
        *,
        retry_seconds: float = 1.0,
    ) -> None:
        self._publisher = publisher
        self._sessions = sessions
        self._lifetimes = lifetimes
        self._retry_seconds = retry_seconds
        # Start behind: whatever happened while this process was down is published first.
        self._behind = True

    async def session_ended(self, session_id: str, surface: Surface) -> None:
        await self._try(self._session(session_id, surface))

    async def customer_revoked(self, customer_id: int, *, at: float) -> None:
        await self._try(self._publisher.revoke_customer(customer_id, at=at))

    async def keep_published(self) -> None:
        """Background loop: while a publish has failed, publish every recent revocation."""
        while True:
            if self._behind:
                try:
                    await self._try(self._republish())
                except Exception:  # the database, say: try again on the next round
                    log.exception("revocation_republish_failed")
                    self._behind = True
                if not self._behind:
                    log.info("revocations_republished")
            await asyncio.sleep(self._retry_seconds)

    async def _republish(self) -> None:
        self._behind = False
        since = datetime.now(UTC) - timedelta(seconds=MAX_TOKEN_SECONDS)
        sessions, customers = await self._sessions.revoked_since(since)
        for session_id, surface in sessions:
            await self._session(session_id, surface)
        for customer_id, at in customers:
            await self._publisher.revoke_customer(customer_id, at=at.timestamp())

    async def _session(self, session_id: str, surface: Surface) -> None:
        valid = self._lifetimes.access_for(surface)
        await self._publisher.revoke_session(session_id, valid_seconds=valid)

    async def _try(self, publishing: Awaitable[None]) -> None:
        try:
            await publishing
        except (RedisError, OSError) as exc:
            if not self._behind:
                log.warning("revocation_publish_failed", error=type(exc).__name__)
            self._behind = True
