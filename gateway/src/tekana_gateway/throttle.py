"""Applying the attempt limits in routes: who the client is, and what over-limit answers."""

import math

from aiohttp import web

from tekana_gateway.errors import ApiError
from tekana_gateway.keys import LIMITER, SETTINGS
from tekana_gateway.ratelimit import RateLimiterUnavailable

TOO_MANY = "Too many attempts, try again later"


def client_address(request: web.Request) -> str:
    """The peer's address, or the one a trusted proxy reports for it."""
    hops = request.app[SETTINGS].trusted_proxy_hops
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote or "unknown"


async def count_attempt(request: web.Request, bucket: str, *, email: str) -> None:
    """One login or registration attempt; 429 with Retry-After when over a limit."""
    try:
        wait = await request.app[LIMITER].attempt(
            bucket, email=email, address=client_address(request)
        )
    except RateLimiterUnavailable:
        raise ApiError(503, "login_unavailable", "Login is unavailable, try again later") from None
    if wait > 0:
        raise ApiError(429, "rate_limited", TOO_MANY, retry_after=max(1, math.ceil(wait)))
