"""``/openapi.json`` and Swagger UI at ``/docs``, from assets installed with the project
(the swagger-ui-py package), so the docs work offline and load nothing from elsewhere."""

from pathlib import Path
from typing import Any

import swagger_ui
from aiohttp import web

from tekana_gateway import jsonio
from tekana_gateway.openapi import document

SPEC = web.AppKey("openapi_spec", dict)
ASSETS = Path(swagger_ui.__file__).parent / "static"
TITLE = "Tekana API"
VERSION = "1.0.0"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tekana API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

# In a file of its own: the page's Content-Security-Policy allows no inline script.
_INIT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true
});
"""


def spec_of(app: web.Application) -> dict[str, Any]:
    if SPEC not in app:
        app[SPEC] = document.build(app, title=TITLE, version=VERSION)
    return app[SPEC]


async def openapi_json(request: web.Request) -> web.Response:
    return jsonio.response(spec_of(request.app))


async def docs_page(_: web.Request) -> web.Response:
    return web.Response(text=_PAGE, content_type="text/html")


async def docs_init(_: web.Request) -> web.Response:
    return web.Response(text=_INIT, content_type="application/javascript")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/openapi.json", openapi_json)
    app.router.add_get("/docs", docs_page)
    app.router.add_get("/docs/init.js", docs_init)
    app.router.add_static("/docs/assets", ASSETS, show_index=False)


async def build_spec_on_startup(app: web.Application) -> None:
    # Built once the routes are final, so the first request does not pay for it.
    spec_of(app)
