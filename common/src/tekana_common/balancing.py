"""A channel over every address a service's name resolves to, taking them in turn. A
headless Service's name resolves to each ready pod, so calls spread over the replicas,
reach new ones within a refresh of scaling out, and leave one that stops being ready
(drained, rolled) while its calls in flight finish. A name with one address (a cluster IP,
localhost) behaves as one channel."""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from grpclib.client import Channel, Stream

REFRESH_SECONDS = 3.0
# A channel to an address that left the name is closed this much later, so the calls on
# it finish first (longer than any call's deadline).
RETIRE_AFTER_SECONDS = 60.0


Resolve = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now (the system's resolver: DNS, /etc/hosts)."""
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in found})


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class BalancedChannel(Channel):
    """Stubs take it as a ``Channel``; each call goes to the next address's channel."""

    def __init__(
        self,
        host: str,
        port: int,
        make: Callable[[str], Channel],
        *,
        resolver: Resolve = resolve,
        refresh_seconds: float = REFRESH_SECONDS,
        retire_after_seconds: float = RETIRE_AFTER_SECONDS,
    ) -> None:
        super().__init__(host, port)
        self._name, self._port_number, self._make = host, port, make
        self._resolve = resolver
        self._refresh_seconds, self._retire_after = refresh_seconds, retire_after_seconds
        # Until the name is first resolved, calls go to the name itself.
        self._pool: list[Channel] = [make(host)]
        self._by_address: dict[str, Channel] = {host: self._pool[0]}
        self._turn = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._following = _is_address(host)  # an address is never re-resolved

    @property
    def addresses(self) -> list[str]:
        """The addresses calls go to now."""
        return sorted(self._by_address)

    def request(self, *args: Any, **kwargs: Any) -> Stream[Any, Any]:
        if not self._following:
            self._following = True
            self._spawn(self._follow())
        channel = self._pool[self._turn % len(self._pool)]
        self._turn += 1
        return channel.request(*args, **kwargs)

    async def refresh(self) -> None:
        """Resolve the name again and take its addresses as they now are; when it does
        not resolve, keep the ones it had (a DNS hiccup must not stop every call)."""
        try:
            addresses = await self._resolve(self._name, self._port_number)
        except OSError:
            return
        if not addresses or addresses == self.addresses:
            return
        before = self._by_address
        self._by_address = {a: before.get(a) or self._make(a) for a in addresses}
        self._pool = list(self._by_address.values())
        for address, channel in before.items():
            if address not in self._by_address:
                self._spawn(self._retire(channel))

    async def _follow(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self._refresh_seconds)

    async def _retire(self, channel: Channel) -> None:
        await asyncio.sleep(self._retire_after)
        channel.close()

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for channel in self._by_address.values():
            channel.close()
        super().close()
