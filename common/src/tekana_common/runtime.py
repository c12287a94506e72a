"""How every gRPC service process runs: ``migrate`` its database, or ``serve`` until signalled."""

import argparse
import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from ssl import SSLContext
from typing import Any

import asyncpg
from grpclib.health.check import ServiceStatus
from grpclib.server import Server
from tortoise import Tortoise
from tortoise.migrations.api import migrate as migrate_schema

from tekana_common import db, metrics, tunings
from tekana_common.draining import Calls, Drain
from tekana_common.grpc_server import build_server
from tekana_common.logging import configure_logging, get_logger
from tekana_common.probes import Probes
from tekana_common.probes import serve as serve_probes
from tekana_common.settings import ServiceSettings, Transport
from tekana_common.tracing import configure_tracing

log = get_logger(__name__)

Background = Callable[[], Coroutine[Any, Any, None]]


def database_config(settings: ServiceSettings, app: str) -> dict[str, Any]:
    return db.tortoise_config(
        server_url=settings.database_url,
        database=settings.database_name,
        app=app,
        pool_max=settings.database_pool_max,
        ssl_mode=settings.database_sslmode,
        ssl_root_cert=settings.database_ssl_root_cert,
    )


# A migration often starts beside its database (a Job next to a new StatefulSet): before
# the server's name resolves or it accepts connections. It waits this long for it, rather
# than crash and wait out a Job's growing back-off.
DATABASE_WAIT_SECONDS = 180.0


async def wait_for_database(server_url: str, tls: db.Tls, *, seconds: float) -> None:
    """Return once PostgreSQL at ``server_url`` accepts a connection; wrong credentials and
    the like fail at once, an unreachable server only after ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    url = db.database_url(server_url, "postgres")
    while True:
        try:
            conn = await asyncpg.connect(url, ssl=tls, timeout=5)
        except (OSError, TimeoutError, asyncpg.CannotConnectNowError) as exc:
            if loop.time() >= deadline:
                raise
            log.info("database_waiting", reason=type(exc).__name__)
            await asyncio.sleep(1)
        else:
            await conn.close()
            return


async def migrate(settings: ServiceSettings, app: str) -> None:
    tls = db.ssl_option(settings.database_sslmode, settings.database_ssl_root_cert)
    await wait_for_database(settings.database_url, tls, seconds=DATABASE_WAIT_SECONDS)
    await db.ensure_database(settings.database_url, settings.database_name, tls=tls)
    await migrate_schema(config=database_config(settings, app))
    await Tortoise.close_connections()


@asynccontextmanager
async def running_database(settings: ServiceSettings, app: str) -> AsyncIterator[db.Database]:
    database = await db.open_database(database_config(settings, app))
    metrics.watch_pool(in_use=lambda: database.in_use, maximum=database.pool_max)
    try:
        yield database
    finally:
        await db.close_database()


async def serve_service(
    settings: ServiceSettings,
    *,
    name: str,
    servicers: Sequence[Any],
    background: Sequence[Background] = (),
) -> None:
    """Serve ``servicers`` (with health checks on the database) and run ``background`` loops
    beside them; on SIGINT or SIGTERM, drain (``tekana_common.draining``), then stop."""
    transport = Transport.from_settings(settings)
    probes = Probes()
    serve_probes(settings.metrics_host, settings.metrics_port, probes)
    ready, calls = ServiceStatus(), Calls()
    server = build_server(
        servicers,
        internal_token=transport.internal_token,
        checks=[db.database_answers],
        max_concurrent=settings.max_concurrent_requests or settings.database_pool_max,
        ready=ready,
        calls=calls,
    )
    tunings.install()
    tasks = [asyncio.create_task(loop()) for loop in background]
    tasks.append(asyncio.create_task(probes.follow([db.database_answers])))
    drain = Drain(seconds=settings.drain_seconds)
    drain.on_request(probes.drain)
    try:
        await serve(
            server,
            host=settings.grpc_host,
            port=settings.grpc_port,
            service=name,
            ssl=transport.server_ssl(),
            drain=drain,
            ready=ready,
            calls=calls,
        )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def serve(
    server: Server,
    *,
    host: str,
    port: int,
    service: str,
    drain: Drain,
    ready: ServiceStatus,
    calls: Calls,
    ssl: SSLContext | None = None,
) -> None:
    """Serve until told to stop; then not ready, still serving through the drain, and closed
    once the calls in flight are done."""
    drain.install()
    drain.on_request(lambda: ready.set(False))
    ready.set(True)
    await server.start(host, port, ssl=ssl)
    log.info("grpc_serving", host=host, port=port, grpc_service=service, tls=ssl is not None)
    try:
        await drain.wait(name=service, calls=calls)
    finally:
        ready.set(False)
        server.close()
        await server.wait_closed()
    log.info("grpc_stopped", grpc_service=service)


def run_forever(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``main`` on uvloop: the services' event loop."""
    import uvloop

    uvloop.run(main())


def command_parser(prog: str) -> tuple[argparse.ArgumentParser, Any]:
    """The ``serve`` / ``migrate`` command line every service shares; add more to the second."""
    parser = argparse.ArgumentParser(prog=prog)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve gRPC (the default)")
    commands.add_parser("migrate", help="create the database if needed and apply migrations")
    return parser, commands


def run_command(
    command: str | None,
    settings: ServiceSettings,
    *,
    name: str,
    app: str,
    serve_main: Callable[[], Coroutine[Any, Any, None]],
) -> bool:
    """Run ``serve`` or ``migrate``; False for any other command (the caller's own)."""
    configure_logging(name, level=settings.log_level, fmt=settings.log_format)
    if command == "migrate":
        asyncio.run(migrate(settings, app))
    elif command in (None, "serve"):
        configure_tracing(name)
        run_forever(serve_main)
    else:
        return False
    return True


def service_main(
    prog: str,
    settings: ServiceSettings,
    *,
    name: str,
    app: str,
    serve_main: Callable[[], Coroutine[Any, Any, None]],
) -> int:
    """The whole command line of a service that has only ``serve`` and ``migrate``."""
    parser, _ = command_parser(prog)
    run_command(parser.parse_args().command, settings, name=name, app=app, serve_main=serve_main)
    return 0
