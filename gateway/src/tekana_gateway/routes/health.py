"""``/health``: the process answers. ``/serving``: it takes requests (not stopping).
``/ready``: that, and every upstream's gRPC health check passes."""

from aiohttp import web
from typing_extensions import TypedDict

from tekana_gateway import jsonio
from tekana_gateway.keys import DRAIN, LIMITER, REVOCATIONS, UPSTREAMS
from tekana_gateway.openapi.declare import Doc, Reply, documented


class Health(TypedDict):
    status: str


class Readiness(TypedDict):
    status: str
    upstreams: dict[str, str]
    rate_limiter: str
    revocations: str


routes = web.RouteTableDef()


@routes.get("/health")
@documented(Doc("The process is up", (Reply(200, Health, "Alive"),), auth=False))
async def health(_: web.Request) -> web.Response:
    return jsonio.response({"status": "ok"})


@routes.get("/serving")
@documented(
    Doc(
        "This gateway takes requests (its orchestrator's readiness): not stopping",
        (Reply(200, Health, "Serving"), Reply(503, Health, "Stopping (draining)")),
        auth=False,
    )
)
async def serving(request: web.Request) -> web.Response:
    # Not the upstreams' health, which /ready reports: a gateway taken out of its Service
    # because one replica of a service is draining serves no one better.
    if request.app[DRAIN].draining:
        return jsonio.response({"status": "draining"}, status=503)
    return jsonio.response({"status": "serving"})


@routes.get("/ready")
@documented(
    Doc(
        "Every upstream service passes its gRPC health check",
        (
            Reply(200, Readiness, "Ready to serve"),
            Reply(503, Readiness, "An upstream is not serving, or the gateway is stopping"),
        ),
        auth=False,
    )
)
async def ready(request: web.Request) -> web.Response:
    upstreams = await request.app[UPSTREAMS].health()
    all_serving = all(state == "serving" for state in upstreams.values())
    draining = request.app[DRAIN].draining
    # Redis down degrades the limits and the revocation list, not the service: reported,
    # but still ready (revocation_fail_closed makes tokens 503 instead).
    body: Readiness = {
        "status": "draining" if draining else "ready" if all_serving else "not_ready",
        "upstreams": upstreams,
        "rate_limiter": await request.app[LIMITER].state(),
        "revocations": request.app[REVOCATIONS].state(),
    }
    return jsonio.response(body, status=200 if all_serving and not draining else 503)
