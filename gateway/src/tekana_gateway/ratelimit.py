"""Attempt limits for login and registration, per e-mail and per client address, kept in
Redis as sliding windows so every gateway replica counts the same attempts.

If Redis cannot be reached the gateway keeps serving: limits are skipped (and the outage
logged and shown on /ready), except that login is refused when configured to fail closed.
"""

import hashlib
import math
import secrets
import time
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum

import redis.asyncio as redis
from grpclib.exceptions import GRPCError
from redis.exceptions import RedisError

from tekana_common.grpc_errors import error_code
from tekana_common.logging import get_logger
from tekana_gateway.errors import ApiError

log = get_logger(__name__)

TOO_MANY = "Too many attempts, try again later"
# The customer service's code for a wrong e-mail or password (tekana_customer.domain).
INVALID_CREDENTIALS = "invalid_credentials"

# Every key is trimmed to the window and checked against its limit (ARGV[i + 3]); with
# ARGV[3] = "count" the attempt is then recorded in each key, but only if none was over, so a
# refused attempt uses up nothing; with "check" nothing is recorded; with "record" it is
# recorded whatever the counts. The server's clock is the only clock, so replicas agree.
# Returns 0, or milliseconds to wait.
_SLIDING_WINDOW = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window_ms = tonumber(ARGV[1])
local mode = ARGV[3]
local wait_ms = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms - window_ms)
  if mode ~= 'record' and redis.call('ZCARD', key) >= tonumber(ARGV[i + 3]) then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    wait_ms = math.max(wait_ms, tonumber(oldest[2]) + window_ms - now_ms)
  end
end
if wait_ms > 0 or mode == 'check' then return wait_ms end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now_ms, ARGV[2])
  redis.call('PEXPIRE', key, window_ms)
end
return 0
"""

# After a failure, Redis is not asked again for this long, so an outage costs no latency.
_RETRY_AFTER_FAILURE_SECONDS = 5.0


class LimiterState(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Limits:
    window_seconds: float
    per_email: int
    per_address: int


class RateLimiterUnavailable(Exception):
    """Redis did not answer and this bucket fails closed."""


class RateLimiter:
    def __init__(self, url: str, limits: Limits, *, prefix: str, fail_closed_login: bool) -> None:
        self._limits = limits
        self._prefix = prefix
        self._fail_closed_login = fail_closed_login
        self._redis = (
            redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.25)
            if url
            else None
        )
        self._script = self._redis.register_script(_SLIDING_WINDOW) if self._redis else None
        self._failed_at: float | None = None

    async def count_registration(self, *, email: str, address: str) -> None:
        """One registration attempt; 429 with Retry-After when over a limit."""
        _refuse_if_waiting(await self.attempt("register", email=email, address=address))

    @asynccontextmanager
    async def login_attempt(self, *, email: str, address: str) -> AsyncIterator[None]:
        """Around one login: 429 if this client has failed too often, and a wrong password
        counted as a failure when it comes back. Correct passwords never count."""
        try:
            _refuse_if_waiting(await self.login_allowed(email=email, address=address))
        except RateLimiterUnavailable:
            raise ApiError(
                503, "login_unavailable", "Login is unavailable, try again later"
            ) from None
        try:
            yield
        except GRPCError as exc:
            if error_code(exc) == INVALID_CREDENTIALS:
                await self.login_failed(email=email, address=address)
            raise
        await self.login_succeeded(email=email, address=address)

    async def attempt(self, bucket: str, *, email: str, address: str) -> float:
        """Count one attempt (registration); 0, or the seconds to wait when over a limit."""
        return await self._run("count", bucket, self._keys(bucket, email, address))

    async def login_allowed(self, *, email: str, address: str) -> float:
        """0 if this client may try this e-mail's password now, else the seconds to wait:
        only failures count, per e-mail from this address and per address, so an attacker
        elsewhere cannot lock the owner out."""
        return await self._run("check", "login", self._keys("login", email, address))

    async def login_failed(self, *, email: str, address: str) -> None:
        await self._run("record", "login", self._keys("login", email, address))

    async def login_succeeded(self, *, email: str, address: str) -> None:
        """Forget this address's failures for this e-mail (the owner got in)."""
        if self._redis is None or self._recently_failed():
            return
        try:
            await self._redis.delete(self._keys("login", email, address)[0][0])
        except (RedisError, OSError) as exc:
            self._mark_failed(exc)

    def _keys(self, bucket: str, email: str, address: str) -> list[tuple[str, int]]:
        # As the customer service normalises it, so that spellings of one address share keys.
        email = unicodedata.normalize("NFKC", email.strip()).casefold()
        by_address = (_key(self._prefix, bucket, "address", address), self._limits.per_address)
        if bucket == "login":
            return [
                (
                    _key(self._prefix, bucket, "email-address", f"{email}\n{address}"),
                    self._limits.per_email,
                ),
                by_address,
            ]
        return [(_key(self._prefix, bucket, "email", email), self._limits.per_email), by_address]

    async def _run(self, mode: str, bucket: str, keys: list[tuple[str, int]]) -> float:
        if self._script is None or self._recently_failed():
            return self._when_unavailable(bucket, mode)
        window_ms = int(self._limits.window_seconds * 1000)
        # Unique per attempt, so two attempts in one nanosecond both count.
        member = f"{time.time_ns()}-{secrets.token_hex(4)}"
        try:
            wait_ms = await self._script(
                keys=[key for key, _ in keys],
                args=[window_ms, member, mode, *(limit for _, limit in keys)],
            )
        except (RedisError, OSError) as exc:
            self._mark_failed(exc)
            return self._when_unavailable(bucket, mode)
        self._mark_recovered()
        return int(wait_ms) / 1000

    async def state(self) -> LimiterState:
        if self._redis is None:
            return LimiterState.DISABLED
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            self._mark_failed(exc)
            return LimiterState.UNAVAILABLE
        self._mark_recovered()
        return LimiterState.OK

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    def _when_unavailable(self, bucket: str, mode: str) -> float:
        closed = self._fail_closed_login and mode != "record"
        if self._redis is not None and bucket == "login" and closed:
            raise RateLimiterUnavailable
        return 0

    def _recently_failed(self) -> bool:
        return (
            self._failed_at is not None
            and time.monotonic() - self._failed_at < _RETRY_AFTER_FAILURE_SECONDS
        )

    def _mark_failed(self, exc: Exception) -> None:
        if self._failed_at is None:
            log.warning("rate_limiter_unavailable", error=type(exc).__name__)
        self._failed_at = time.monotonic()

    def _mark_recovered(self) -> None:
        if self._failed_at is not None:
            log.info("rate_limiter_recovered")
        self._failed_at = None


def _refuse_if_waiting(wait: float) -> None:
    if wait > 0:
        raise ApiError(429, "rate_limited", TOO_MANY, retry_after=max(1, math.ceil(wait)))


def _key(prefix: str, bucket: str, kind: str, value: str) -> str:
    # Hashed, so Redis holds no e-mail addresses.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"{prefix}:ratelimit:{bucket}:{kind}:{digest}"
