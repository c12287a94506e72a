"""``create_app(settings)``: the gateway's aiohttp application, wired and ready to run."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from tekana_common import tracing
from tekana_common.auth import load_public_key, read_key_material, redis_client
from tekana_common.draining import Drain
from tekana_common.settings import Transport
from tekana_gateway import middlewares
from tekana_gateway.keys import DRAIN, LIMITER, REVOCATIONS, SETTINGS, UPSTREAMS, VERIFIER
from tekana_gateway.openapi import serve as openapi
from tekana_gateway.ratelimit import Limits, RateLimiter
from tekana_gateway.revocations import RevocationList
from tekana_gateway.routes import health
from tekana_gateway.routes.legacy import customers as legacy_customers
from tekana_gateway.routes.legacy import transactions as legacy_transactions
from tekana_gateway.routes.legacy import wallets as legacy_wallets
from tekana_gateway.routes.v1 import customers as v1_customers
from tekana_gateway.routes.v1 import transfers as v1_transfers
from tekana_gateway.routes.v1 import wallets as v1_wallets
from tekana_gateway.settings import GatewaySettings
from tekana_gateway.tokens import TokenVerifier
from tekana_gateway.upstream import Upstreams


def token_verifier(settings: GatewaySettings) -> TokenVerifier:
    pem = read_key_material(
        inline=settings.jwt_public_key, path=settings.jwt_public_key_file, what="public key"
    )
    return TokenVerifier(public_key=load_public_key(pem))


async def _upstreams(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    addresses = {
        "customer": settings.customer_addr,
        "wallet": settings.wallet_addr,
        "transaction": settings.transaction_addr,
    }
    upstreams = Upstreams.open(
        addresses, Transport.from_settings(settings), timeout=settings.upstream_timeout
    )
    app[UPSTREAMS] = upstreams
    yield
    upstreams.close()


def rate_limiter(settings: GatewaySettings) -> RateLimiter:
    limits = Limits(
        window_seconds=settings.rate_limit_window_seconds,
        per_email=settings.rate_limit_per_email,
        per_address=settings.rate_limit_per_address,
    )
    return RateLimiter(
        settings.redis_url,
        limits,
        prefix=settings.redis_prefix,
        fail_closed_login=settings.rate_limit_fail_closed_login,
    )


async def _close_limiter(app: web.Application) -> None:
    await app[LIMITER].close()


async def _follow_revocations(app: web.Application) -> AsyncIterator[None]:
    """The revocation list follows Redis for as long as the gateway runs."""
    revocations = app[REVOCATIONS]
    task = asyncio.create_task(revocations.follow())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    if revocations.client is not None:
        await revocations.client.aclose()


def create_app(settings: GatewaySettings, *, upstreams: Upstreams | None = None) -> web.Application:
    """The gateway; given ``upstreams`` replace the channels it would open (tests)."""
    app = web.Application(
        middlewares=[
            middlewares.cors_preflight,
            # Only with tracing on: a middleware layer costs every request its own coroutine.
            *([middlewares.tracing_span] if tracing.ENABLED else []),
            middlewares.request_context,
            middlewares.authentication,
            middlewares.error_responses,
            middlewares.read_only,
        ],
        client_max_size=settings.max_body_bytes,
    )
    app[SETTINGS] = settings
    app[DRAIN] = Drain(seconds=settings.drain_seconds)
    app.on_response_prepare.append(middlewares.security_headers)
    app[VERIFIER] = token_verifier(settings)
    app[LIMITER] = rate_limiter(settings)
    app.on_cleanup.append(_close_limiter)
    app[REVOCATIONS] = RevocationList(
        redis_client(settings.redis_url),
        settings.redis_prefix,
        fail_closed=settings.revocation_fail_closed,
    )
    app.cleanup_ctx.append(_follow_revocations)
    if upstreams is None:
        app.cleanup_ctx.append(_upstreams)
    else:
        app[UPSTREAMS] = upstreams
    for routes in (
        health.routes,
        legacy_customers.routes,
        legacy_wallets.routes,
        legacy_transactions.routes,
        v1_customers.routes,
        v1_wallets.routes,
        v1_transfers.routes,
    ):
        app.add_routes(routes)
    openapi.add_routes(app)
    app.on_startup.append(openapi.build_spec_on_startup)
    return app
