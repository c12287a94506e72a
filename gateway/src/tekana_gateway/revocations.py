"""The gateway's revocation list: every current revocation in memory, following Redis's
stream, so that a check costs no I/O (the format is ``tekana_common.auth``)."""

import asyncio
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from tekana_common.auth import (
    REVOCATION_KEEP_SECONDS,
    RevocationKeys,
    RevocationKind,
    parse_revocation_entry,
)
from tekana_common.logging import get_logger

log = get_logger(__name__)

_READ_BLOCK_MS = 500
# A list that has not heard from Redis for this long (beyond a read's block) is stale.
STALE_AFTER_SECONDS = 1.0


class RevocationState(StrEnum):
    OK = "ok"
    STALE = "stale"
    DISABLED = "disabled"


class RevocationUnavailable(Exception):
    """The list may be out of date and the gateway is set to refuse tokens then."""


@dataclass
class RevocationList:
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
        keys = RevocationKeys.for_prefix(self.prefix)
        failing = False
        while True:
            try:
                last_id = await self._load(self.client, keys)
                failing = False
                await self._read_stream(self.client, keys.stream, last_id)
            except (RedisError, OSError) as exc:
                if not failing:  # once per outage, not once per retry
                    log.warning("revocations_unavailable", error=type(exc).__name__)
                failing = True
                await asyncio.sleep(0.5)

    async def _load(self, client: "redis.Redis", keys: RevocationKeys) -> Any:
        """Every current revocation; the stream's id to follow on from."""
        # redis-py types replies loosely; these are lists of (member, score) and entries.
        newest: Any = await client.xrevrange(keys.stream, count=1)
        last_id: Any = newest[0][0] if newest else "0-0"
        now = time.time()
        sessions: Any = await client.zrangebyscore(keys.sessions, now, "+inf", withscores=True)
        customers: Any = await client.zrangebyscore(
            keys.customers, now - REVOCATION_KEEP_SECONDS, "+inf", withscores=True
        )
        self.sessions = {member.decode(): float(score) for member, score in sessions}
        self.customers = {int(member): float(score) for member, score in customers}
        self._heard_at = time.monotonic()
        log.info("revocations_loaded", sessions=len(sessions), customers=len(customers))
        return last_id

    async def _read_stream(self, client: "redis.Redis", stream: str, last_id: Any) -> None:
        while True:
            batches: Any = await client.xread({stream: last_id}, block=_READ_BLOCK_MS, count=1000)
            self._heard_at = time.monotonic()
            self._forget_expired()
            for _, entries in batches:
                for entry_id, values in entries:
                    last_id = entry_id
                    self._apply(*parse_revocation_entry(values))

    def _forget_expired(self) -> None:
        """Drop entries no valid token can match any more, about once a minute."""
        now = time.time()
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        self.sessions = {sid: until for sid, until in self.sessions.items() if until > now}
        self.customers = {
            c: at for c, at in self.customers.items() if at > now - REVOCATION_KEEP_SECONDS
        }

    def _apply(self, kind: RevocationKind, member: str, score: float) -> None:
        if kind is RevocationKind.SESSION:
            self.sessions[member] = score
        else:
            self.customers[int(member)] = max(score, self.customers.get(int(member), 0.0))
