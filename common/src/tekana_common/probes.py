"""What an orchestrator asks of a service, answered without starting a process: ``/ready``
(serving: not draining, and its database answers) and ``/live`` (its event loop turns),
beside ``/metrics`` on the metrics port. An exec probe started a Python interpreter every
few seconds per pod, which under load took longer than the probe's timeout."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from tekana_common.logging import get_logger

log = get_logger(__name__)

CHECK_SECONDS = 2.0
CHECK_TIMEOUT_SECONDS = 2.0
# Alive while the loop has turned this recently (a stuck loop serves nothing).
LIVE_WITHIN_SECONDS = 30.0


class Probes:
    """The answers, kept up to date by ``follow`` on the service's event loop and read by
    the HTTP server's threads."""

    def __init__(self) -> None:
        self.ready = False
        self.draining = False
        self._turned = time.monotonic()

    def drain(self) -> None:
        """Not ready from now on (a stop was asked for)."""
        self.draining = True
        self.ready = False

    @property
    def alive(self) -> bool:
        return time.monotonic() - self._turned < LIVE_WITHIN_SECONDS

    async def follow(self, checks: Iterable[Callable[[], Awaitable[Any]]]) -> None:
        """Every CHECK_SECONDS: ready unless draining or a check fails or takes too long."""
        checks = list(checks)
        while True:
            self._turned = time.monotonic()
            ready = not self.draining
            for check in checks if ready else []:
                try:
                    await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
                except Exception as exc:  # any failure of a check is "not ready", logged once
                    if self.ready:
                        log.warning("not_ready", reason=type(exc).__name__)
                    ready = False
                    break
            self.ready = ready
            await asyncio.sleep(CHECK_SECONDS)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Probes and scrapes every few seconds: not worth a log line each."""


def serve(host: str, port: int, probes: Probes) -> None:
    """``/metrics``, ``/ready`` and ``/live`` over HTTP on a daemon thread; port 0: none."""
    if not port:
        return
    metrics = make_wsgi_app()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/ready", "/live"):
            ok = probes.ready if path == "/ready" else probes.alive
            start_response("200 OK" if ok else "503 Service Unavailable", [])
            return [b"ok\n" if ok else b"not ok\n"]
        answer: Iterable[bytes] = metrics(environ, start_response)
        return answer

    server = make_server(host, port, app, _Server, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="probes", daemon=True).start()
