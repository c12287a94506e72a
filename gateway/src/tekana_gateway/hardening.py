"""Response headers every answer carries, and CORS for an allow-list of origins."""

from aiohttp import web

from tekana_gateway.keys import SETTINGS
from tekana_gateway.middlewares import Handler

# An API answers JSON to programs: nothing on it may be framed, sniffed or cached, and it
# loads nothing. The docs page loads its own scripts and styles, and nothing else.
_API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # Replaces aiohttp's "Python/x aiohttp/y": no version banner.
    "Server": "tekana",
}
CORS_METHODS = "GET, POST, PUT, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-ID"


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: runs for every response, errors and 404s included."""
    response.headers.update(SECURITY_HEADERS)
    is_docs = request.path == "/docs" or request.path.startswith("/docs/")
    response.headers["Content-Security-Policy"] = _DOCS_POLICY if is_docs else _API_POLICY
    if not is_docs:
        response.headers.setdefault("Cache-Control", "no-store")
    origin = request.headers.get("Origin")
    if origin and origin in request.app[SETTINGS].cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Retry-After, Location"
        response.headers["Vary"] = "Origin"


@web.middleware
async def cors_preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer browsers' preflight requests from allowed origins; refuse others plainly."""
    is_preflight = (
        request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
    )
    if not is_preflight:
        return await handler(request)
    if request.headers.get("Origin") not in request.app[SETTINGS].cors_origins:
        return web.Response(status=403)
    return web.Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Access-Control-Max-Age": "600",
        },
    )
