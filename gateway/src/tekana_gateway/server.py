"""The gateway's HTTP server: aiohttp's, with a deadline for headers and a safe answer to
requests it cannot parse.

aiohttp answers a malformed request (a control byte in a header, say) with a plain-text
400 that quotes the offending line, and logs the line at ERROR with a traceback: a bearer
token in that line would reach the client and the log whole. Here such a request gets the
surface's own 400 body, echoing nothing, and one log line naming only the error's class.
"""

import asyncio
import uuid
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from tekana_common.logging import get_logger
from tekana_gateway import errors
from tekana_gateway.errors import ApiError
from tekana_gateway.keys import DRAIN
from tekana_gateway.middlewares import SECURITY_HEADERS

log = get_logger("tekana_gateway.server")
# Requests still running when the drain ends have this long to finish.
DRAIN_GRACE_SECONDS = 20.0

MALFORMED = ApiError(400, "malformed_request", "The request could not be read")


class GatewayRequestHandler(RequestHandler):
    """One client connection. It must finish sending a request's headers within the
    server's ``header_timeout`` of their first byte, or the connection is closed."""

    def __init__(self, manager: "GatewayServer", **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._header_timeout = manager.header_timeout
        self._between_requests = True
        self._header_deadline: asyncio.TimerHandle | None = None
        # The path of the request being read, to answer an unreadable one on its surface.
        self._target = b""

    def data_received(self, data: bytes) -> None:
        if self._between_requests and self._header_deadline is None:
            self._header_deadline = asyncio.get_running_loop().call_later(
                self._header_timeout, self._headers_too_slow
            )
            self._target = _request_target(data)
        super().data_received(data)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    async def _handle_request(self, request: Any, *args: Any) -> Any:
        self._between_requests = False
        self._cancel_header_deadline()
        try:
            return await super()._handle_request(request, *args)
        finally:
            self._between_requests = True
            self._target = b""

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        log.info("http_header_timeout", timeout_seconds=self._header_timeout)
        self.force_close()

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """What aiohttp answers when it could not parse a request (or a handler failed
        outside the application's middlewares): no input quoted, no traceback logged."""
        log.warning(
            "http_unreadable_request", status=status, error=type(exc).__name__ if exc else None
        )
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        error = MALFORMED if status == 400 else ApiError(status, "internal", "Internal Error")
        request_id = uuid.uuid4().hex
        path = self._target.decode("ascii", "replace")
        if errors.is_v1_path(path):
            response = errors.problem(error, instance=path, request_id=request_id)
        else:
            response = errors.legacy(error, request=request)
        response.headers.update(SECURITY_HEADERS)
        response.headers["X-Request-ID"] = request_id
        response.force_close()
        return response


def _request_target(data: bytes) -> bytes:
    """The path of a request line at the start of ``data`` (``GET /v1/x HTTP/1.1``)."""
    line = data.split(b"\r\n", 1)[0]
    parts = line.split(b" ", 2)
    return parts[1].split(b"?", 1)[0] if len(parts) == 3 else b""


class GatewayServer(web.Server):
    """aiohttp's server, making ``GatewayRequestHandler`` connections."""

    header_timeout: float = 10.0

    def __call__(self) -> RequestHandler:
        return GatewayRequestHandler(self, loop=self._loop, **self._kwargs)


class GatewayRunner(web.AppRunner):
    """An ``AppRunner`` whose connections are ``GatewayRequestHandler``s."""

    def __init__(
        self, app: web.Application, *, header_timeout: float, body_timeout: float, **kwargs: Any
    ) -> None:
        # After an answer, the unread rest of a body is read and dropped for at most this
        # long (aiohttp's "lingering"), so a slow body is bounded there too.
        super().__init__(app, lingering_time=body_timeout, **kwargs)
        self._header_timeout = header_timeout

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # The application builds a plain ``web.Server``; only the connections it makes
        # differ, so the one class swap keeps everything else aiohttp's.
        server.__class__ = GatewayServer
        assert isinstance(server, GatewayServer)
        server.header_timeout = self._header_timeout
        return server


async def serve(
    app: web.Application,
    *,
    host: str,
    port: int,
    header_timeout: float,
    body_timeout: float,
    keepalive: float,
) -> None:
    """Serve ``app`` until SIGINT or SIGTERM; then drain (``tekana_common.draining``: not
    ready, still serving, each answer closing its connection), and close, letting requests
    in flight finish (aiohttp's graceful shutdown)."""
    runner = GatewayRunner(
        app,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        handle_signals=False,
        access_log=None,
        keepalive_timeout=keepalive,
        shutdown_timeout=DRAIN_GRACE_SECONDS,
    )
    await runner.setup()
    drain = app[DRAIN]
    drain.install()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("http_serving", host=host, port=port)
        await drain.wait(name="gateway")
    finally:
        await runner.cleanup()
