"""The cost of one bare gRPC call on this machine: a trivial unary method served by plain
grpclib (none of our listeners) in one process, called from another at the benchmark's
concurrency. Every hop of a request pays about this on each side, so the report can say how
much of a scenario's CPU is the transport itself."""

import asyncio
import subprocess
import sys
import time
from typing import Any

from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest

from tekana_devstack.bench.platform import bench_environment
from tekana_devstack.bench.processes import cpu_seconds, free_port

# grpclib's own health service: a unary method with a trivial body, on the same protobuf
# runtime as ours.
_SERVER = """
import sys, uvloop
from grpclib.health.service import Health
from grpclib.server import Server

async def main():
    server = Server([Health()])
    await server.start("127.0.0.1", int(sys.argv[1]))
    print("ready", flush=True)
    await server.wait_closed()

uvloop.run(main())
"""


async def _drive(port: int, concurrency: int, seconds: float) -> tuple[int, float]:
    channel = Channel("127.0.0.1", port)
    stub = HealthStub(channel)
    request = HealthCheckRequest()
    calls = 0
    stop = time.monotonic() + seconds

    async def caller() -> None:
        nonlocal calls
        while time.monotonic() < stop:
            await stub.Check(request, timeout=10)
            calls += 1

    await stub.Check(request, timeout=10)
    started = time.process_time()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    spent = time.process_time() - started
    channel.close()
    return calls, spent


def measure(*, concurrency: int, seconds: float = 5.0) -> dict[str, Any]:
    import uvloop

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(port)],
        env=bench_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError("the bare gRPC server did not start")
        before = cpu_seconds(server.pid) or 0.0
        calls, client_cpu = uvloop.run(_drive(port, concurrency, seconds))
        server_cpu = (cpu_seconds(server.pid) or 0.0) - before
    finally:
        server.kill()
        server.wait()
    return {
        "what": "one unary call (grpc.health.v1 Check), plain grpclib, client and server processes",
        "calls_per_second": round(calls / seconds, 1),
        "client_cpu_us_per_call": round(client_cpu / calls * 1e6, 1),
        "server_cpu_us_per_call": round(server_cpu / calls * 1e6, 1),
        "concurrency": concurrency,
    }
