"""``/health``: the process answers. ``/ready``: every upstream's gRPC health check passes."""

from aiohttp import web

from tekana_gateway import jsonio
from tekana_gateway.keys import UPSTREAMS

routes = web.RouteTableDef()


@routes.get("/health")
async def health(_: web.Request) -> web.Response:
    return jsonio.response({"status": "ok"})


@routes.get("/ready")
async def ready(request: web.Request) -> web.Response:
    upstreams = await request.app[UPSTREAMS].health()
    all_serving = all(state == "serving" for state in upstreams.values())
    return jsonio.response(
        {"status": "ready" if all_serving else "not_ready", "upstreams": upstreams},
        status=200 if all_serving else 503,
    )
