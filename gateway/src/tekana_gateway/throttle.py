"""Applying the attempt limits in routes: who the client is, and what over-limit answers."""

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from grpclib.exceptions import GRPCError

from tekana_common.grpc_errors import error_code
from tekana_gateway.errors import ApiError
from tekana_gateway.keys import LIMITER, SETTINGS
from tekana_gateway.ratelimit import RateLimiterUnavailable

TOO_MANY = "Too many attempts, try again later"
# The customer service's code for a wrong e-mail or password (tekana_customer.domain).
INVALID_CREDENTIALS = "invalid_credentials"


def client_address(request: web.Request) -> str:
    """The peer's address, or the one a trusted proxy reports for it."""
    hops = request.app[SETTINGS].trusted_proxy_hops
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote or "unknown"


async def count_registration(request: web.Request, *, email: str) -> None:
    """One registration attempt; 429 with Retry-After when over a limit."""
    wait = await request.app[LIMITER].attempt(
        "register", email=email, address=client_address(request)
    )
    _refuse_if_waiting(wait)


@asynccontextmanager
async def login_attempt(request: web.Request, *, email: str) -> AsyncIterator[None]:
    """Around one login: 429 if this client has failed too often, and a wrong password
    counted as a failure when it comes back. Correct passwords never count."""
    limiter, address = request.app[LIMITER], client_address(request)
    try:
        _refuse_if_waiting(await limiter.login_allowed(email=email, address=address))
    except RateLimiterUnavailable:
        raise ApiError(503, "login_unavailable", "Login is unavailable, try again later") from None
    try:
        yield
    except GRPCError as exc:
        if error_code(exc) == INVALID_CREDENTIALS:
            await limiter.login_failed(email=email, address=address)
        raise
    await limiter.login_succeeded(email=email, address=address)


def _refuse_if_waiting(wait: float) -> None:
    if wait > 0:
        raise ApiError(429, "rate_limited", TOO_MANY, retry_after=max(1, math.ceil(wait)))
