"""Calls spread over every address a name resolves to, follow the name as its addresses
change, and survive a resolver that fails; real grpclib servers on two loopback
addresses."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from grpclib.client import Channel
from grpclib.health.service import Health
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest
from grpclib.server import Server

from tekana_common.balancing import BalancedChannel

FIRST, SECOND = "127.0.0.1", "127.0.0.2"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((FIRST, 0))
        port = int(probe.getsockname()[1])
    with socket.socket() as probe:
        probe.bind((SECOND, port))  # the same port is free on the second address too
    return port


class CountingHealth(Health):
    """The health service, counting the checks it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = 0

    async def Check(self, stream: object) -> None:  # noqa: N802 (the gRPC method's name)
        self.answered += 1
        await super().Check(stream)  # type: ignore[arg-type]


@asynccontextmanager
async def servers(port: int) -> AsyncIterator[dict[str, CountingHealth]]:
    counted = {FIRST: CountingHealth(), SECOND: CountingHealth()}
    started = [Server([health]) for health in counted.values()]
    for server, address in zip(started, counted, strict=True):
        await server.start(address, port)
    try:
        yield counted
    finally:
        for server in started:
            server.close()
            await server.wait_closed()


class Names:
    """A resolver whose answer the test sets; an OSError to answer as a failing DNS."""

    def __init__(self, *addresses: str) -> None:
        self.answer: list[str] | OSError = list(addresses)

    async def __call__(self, host: str, port: int) -> list[str]:
        if isinstance(self.answer, OSError):
            raise self.answer
        return self.answer


async def _calls(channel: Channel, count: int) -> None:
    for _ in range(count):
        await HealthStub(channel).Check(HealthCheckRequest(), timeout=5)


async def test_calls_spread_over_the_addresses_and_follow_the_name() -> None:
    port = _free_port()
    names = Names(FIRST)
    async with servers(port) as counted:
        channel = BalancedChannel(
            "service.test", port, lambda a: Channel(a, port), resolver=names,
            refresh_seconds=3600, retire_after_seconds=0.1,
        )  # fmt: skip
        try:
            await channel.refresh()
            await _calls(channel, 4)
            assert (counted[FIRST].answered, counted[SECOND].answered) == (4, 0)

            names.answer = [FIRST, SECOND]  # scaled out
            await channel.refresh()
            await _calls(channel, 10)
            assert (counted[FIRST].answered, counted[SECOND].answered) == (9, 5)

            names.answer = OSError("no answer")  # a DNS hiccup keeps what was known
            await channel.refresh()
            assert channel.addresses == [FIRST, SECOND]

            names.answer = [SECOND]  # the first one left (drained)
            await channel.refresh()
            await _calls(channel, 3)
            assert (counted[FIRST].answered, counted[SECOND].answered) == (9, 8)
            assert channel.addresses == [SECOND]
        finally:
            channel.close()


async def test_an_address_is_used_as_it_is() -> None:
    port = _free_port()
    async with servers(port) as counted:
        asked: list[str] = []

        async def resolver(host: str, port: int) -> list[str]:
            asked.append(host)
            return [SECOND]

        channel = BalancedChannel(FIRST, port, lambda a: Channel(a, port), resolver=resolver)
        try:
            await _calls(channel, 3)
            await asyncio.sleep(0)
            assert counted[FIRST].answered == 3
            assert asked == []  # never re-resolved
        finally:
            channel.close()


async def test_a_closed_channel_leaves_no_task_behind() -> None:
    port = _free_port()
    async with servers(port) as counted:
        channel = BalancedChannel(
            "service.test", port, lambda a: Channel(a, port), resolver=Names(FIRST, SECOND),
            refresh_seconds=0.05,
        )  # fmt: skip
        await channel.refresh()
        await _calls(channel, 2)  # the first call starts the task that follows the name
        assert counted[FIRST].answered == counted[SECOND].answered == 1
        channel.close()
        await asyncio.sleep(0.1)
        following = [t for t in asyncio.all_tasks() if "_follow" in repr(t.get_coro())]
        assert following == []
