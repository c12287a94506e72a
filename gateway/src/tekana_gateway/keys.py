"""Typed keys for what the application and each request carry."""

from aiohttp import web

from tekana_common.auth import Verified
from tekana_common.context import Caller
from tekana_common.draining import Drain
from tekana_gateway.errors import ApiError
from tekana_gateway.ratelimit import RateLimiter
from tekana_gateway.revocations import RevocationList
from tekana_gateway.settings import GatewaySettings
from tekana_gateway.tokens import TokenVerifier
from tekana_gateway.upstream import Upstreams

SETTINGS = web.AppKey("settings", GatewaySettings)
VERIFIER = web.AppKey("verifier", TokenVerifier)
UPSTREAMS = web.AppKey("upstreams", Upstreams)
LIMITER = web.AppKey("limiter", RateLimiter)
REVOCATIONS = web.AppKey("revocations", RevocationList)
DRAIN = web.AppKey("drain", Drain)

REQUEST_ID = web.RequestKey("request_id", str)
CALLER = web.RequestKey("caller", Caller)
TOKEN = web.RequestKey("token", Verified)
AUTH_ERROR = web.RequestKey("auth_error", ApiError)
