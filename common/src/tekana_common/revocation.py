"""Token revocation through Redis: the customer service publishes; every gateway keeps the
whole (small) list in memory and follows a Redis stream, so a check costs no I/O. A session
(logout, a reused refresh token) refuses every token with its ``sid``; a customer's point
(disabled, or every session ended) refuses their tokens issued at or before it. Entries are
kept while a token they refuse could still be valid (``MAX_TOKEN_SECONDS``)."""

import asyncio
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from tekana_common.logging import get_logger

log = get_logger(__name__)

MAX_TOKEN_SECONDS = 24 * 3600  # no token lives longer (the legacy one is capped at this)
_KEEP_SECONDS = MAX_TOKEN_SECONDS + 60
_STREAM_LENGTH = 100_000
# A reader that has not heard from Redis for this long is stale.
_READ_BLOCK_MS = 500
STALE_AFTER_SECONDS = 1.0


def redis_client(url: str) -> "redis.Redis | None":
    """A client for ``url`` with short timeouts (an outage must cost little), or None."""
    if not url:
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2.0)


def _keys(prefix: str) -> tuple[str, str, str]:
    base = f"{prefix}:revoked"
    return f"{base}:sessions", f"{base}:customers", f"{base}:stream"


class RevocationState(StrEnum):
    OK = "ok"
    STALE = "stale"
    DISABLED = "disabled"


class RevocationUnavailable(Exception):
    """The list may be out of date and the gateway is set to refuse tokens then."""


class RevocationPublisher:
    """The customer service's side: record a revocation and announce it."""

    def __init__(self, client: "redis.Redis | None", *, prefix: str) -> None:
        self._redis = client
        self._sessions, self._customers, self._stream = _keys(prefix)

    async def revoke_session(self, session_id: str, *, valid_seconds: int) -> None:
        """Tokens of ``session_id`` refused for the next ``valid_seconds`` (their lifetime)."""
        until = time.time() + min(valid_seconds, MAX_TOKEN_SECONDS) + 60
        await self._publish(self._sessions, session_id, until, "session")

    async def revoke_customer(self, customer_id: int, *, at: float) -> None:
        """Tokens of ``customer_id`` issued at or before ``at`` (Unix seconds) refused."""
        await self._publish(self._customers, str(customer_id), at, "customer")

    async def _publish(self, key: str, member: str, score: float, kind: str) -> None:
        if self._redis is None:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            now = time.time()
            pipe.zadd(key, {member: score})
            pipe.zremrangebyscore(self._sessions, "-inf", now)
            pipe.zremrangebyscore(self._customers, "-inf", now - _KEEP_SECONDS)
            pipe.xadd(
                self._stream,
                {"kind": kind, "id": member, "score": repr(score)},
                maxlen=_STREAM_LENGTH,
                approximate=True,
            )
            await pipe.execute()


@dataclass
class RevocationList:
    """The gateway's side: every current revocation in memory, kept up to date."""

    client: "redis.Redis | None"
    prefix: str
    fail_closed: bool = False
    sessions: dict[str, float] = field(default_factory=dict)
    customers: dict[int, float] = field(default_factory=dict)
    _heard_at: float = 0.0
    _pruned_at: float = 0.0

    def allows(self, *, customer_id: int, session_id: str, issued_at: int) -> bool:
        """Whether a token with these claims is not revoked; ``RevocationUnavailable`` when
        the list may be stale and the gateway fails closed."""
        if self.fail_closed and self.state() is RevocationState.STALE:
            raise RevocationUnavailable
        if session_id and session_id in self.sessions:
            return False
        point = self.customers.get(customer_id)
        return point is None or issued_at > int(point)

    def state(self) -> RevocationState:
        if self.client is None:
            return RevocationState.DISABLED
        fresh = time.monotonic() - self._heard_at < STALE_AFTER_SECONDS + _READ_BLOCK_MS / 1000
        return RevocationState.OK if fresh else RevocationState.STALE

    async def follow(self) -> None:
        """Load the list, then apply the stream's entries as they come; on a Redis failure
        wait a moment and load it again. Runs until cancelled."""
        if self.client is None:
            return
        failing = False
        while True:
            try:
                last_id = await self._load(self.client)
                failing = False
                await self._read_stream(self.client, last_id)
            except (RedisError, OSError) as exc:
                if not failing:  # once per outage, not once per retry
                    log.warning("revocations_unavailable", error=type(exc).__name__)
                failing = True
                await asyncio.sleep(0.5)

    async def _load(self, client: "redis.Redis") -> Any:
        """Every current revocation; the stream's id to follow on from."""
        sessions_key, customers_key, stream = _keys(self.prefix)
        # redis-py types replies loosely; these are lists of (member, score) and entries.
        newest: Any = await client.xrevrange(stream, count=1)
        last_id: Any = newest[0][0] if newest else "0-0"
        now = time.time()
        sessions: Any = await client.zrangebyscore(sessions_key, now, "+inf", withscores=True)
        customers: Any = await client.zrangebyscore(
            customers_key, now - _KEEP_SECONDS, "+inf", withscores=True
        )
        self.sessions = {_text(member): float(score) for member, score in sessions}
        self.customers = {int(_text(member)): float(score) for member, score in customers}
        self._heard_at = time.monotonic()
        log.info("revocations_loaded", sessions=len(sessions), customers=len(customers))
        return last_id

    async def _read_stream(self, client: "redis.Redis", last_id: Any) -> None:
        stream = _keys(self.prefix)[2]
        while True:
            batches: Any = await client.xread({stream: last_id}, block=_READ_BLOCK_MS, count=1000)
            self._heard_at = time.monotonic()
            self._forget_expired()
            for _, entries in batches:
                for entry_id, values in entries:
                    last_id = entry_id
                    self._apply({_text(k): _text(v) for k, v in values.items()})

    def _forget_expired(self) -> None:
        """Drop entries no valid token can match any more, about once a minute."""
        now = time.time()
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        self.sessions = {sid: until for sid, until in self.sessions.items() if until > now}
        self.customers = {c: at for c, at in self.customers.items() if at > now - _KEEP_SECONDS}

    def _apply(self, entry: dict[str, str]) -> None:
        score, member = float(entry["score"]), entry["id"]
        if entry["kind"] == "session":
            self.sessions[member] = score
        else:
            self.customers[int(member)] = max(score, self.customers.get(int(member), 0.0))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
