"""A service told to stop says it is not ready at once, keeps serving through its drain
time, lets its calls in flight finish (grpclib's own close would cancel them), then
closes; on a real grpclib server on loopback."""

import asyncio
import socket
import time

from grpclib.client import Channel
from grpclib.events import RecvRequest, listen
from grpclib.health.check import ServiceStatus
from grpclib.health.service import Health
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from grpclib.server import Server

from tekana_common.draining import Calls, Drain
from tekana_common.grpc_server import request_listener
from tekana_common.runtime import serve

CALL_SECONDS = 1.0
DRAIN_SECONDS = 0.5


class SlowHealth(Health):
    """The health service, taking CALL_SECONDS to answer (a call in flight)."""

    async def Check(self, stream: object) -> None:  # noqa: N802 (the gRPC method's name)
        await asyncio.sleep(CALL_SECONDS)
        await super().Check(stream)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_stopping_service_drains_and_finishes_its_calls() -> None:
    port = _free_port()
    calls, ready = Calls(), ServiceStatus()
    server = Server([SlowHealth()])
    listen(server, RecvRequest, request_listener("", None, calls))
    drain = Drain(seconds=DRAIN_SECONDS, grace_seconds=5)
    serving = asyncio.create_task(
        serve(server, host="127.0.0.1", port=port, service="test", drain=drain, ready=ready,
              calls=calls)
    )  # fmt: skip
    channel = Channel("127.0.0.1", port)
    try:
        await asyncio.sleep(0.2)
        assert ready.__status__() is True
        in_flight = asyncio.create_task(HealthStub(channel).Check(HealthCheckRequest()))
        await asyncio.sleep(0.2)
        assert calls.running == 1

        asked = time.monotonic()
        drain.request()  # what SIGTERM does
        assert ready.__status__() is False  # not ready at once
        # Still serving through the drain: a call that comes now is answered too.
        late = await asyncio.wait_for(
            asyncio.shield(asyncio.create_task(HealthStub(channel).Check(HealthCheckRequest()))),
            timeout=CALL_SECONDS + 1,
        )
        assert late.status == HealthCheckResponse.SERVING
        # The call in flight when the stop came is answered, not cancelled.
        assert (await in_flight).status == HealthCheckResponse.SERVING
        await asyncio.wait_for(serving, timeout=5)
        assert time.monotonic() - asked >= DRAIN_SECONDS
        assert calls.running == 0
    finally:
        channel.close()
        serving.cancel()


async def test_the_grace_time_bounds_the_wait_for_calls() -> None:
    calls = Calls()
    calls.started()  # a call that never ends
    drain = Drain(seconds=0, grace_seconds=0.3)
    drain.request()
    started = time.monotonic()
    await asyncio.wait_for(drain.wait(name="test", calls=calls), timeout=3)
    assert 0.3 <= time.monotonic() - started < 2
