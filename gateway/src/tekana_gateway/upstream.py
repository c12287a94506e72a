"""gRPC channels and stubs to the services, opened and closed with the application."""

import asyncio
from dataclasses import dataclass

from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana_common.grpc import ErrorDetailCodec, instrument_channel
from tekana_protos.tekana.customer.v1 import CustomerServiceStub


def open_channel(address: str) -> Channel:
    host, _, port = address.rpartition(":")
    channel = Channel(host, int(port), status_details_codec=ErrorDetailCodec())
    return instrument_channel(channel)


@dataclass
class Upstreams:
    channels: dict[str, Channel]
    customers: CustomerServiceStub

    @classmethod
    def open(cls, *, customer_addr: str, timeout: float) -> "Upstreams":
        customer = open_channel(customer_addr)
        return cls(
            channels={"customer": customer},
            customers=CustomerServiceStub(customer, timeout=timeout),
        )

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()

    async def health(self) -> dict[str, str]:
        """Each upstream's gRPC health status: ``serving``, ``not_serving`` or ``unreachable``."""
        names = list(self.channels)
        results = await asyncio.gather(
            *(_check(self.channels[n]) for n in names), return_exceptions=True
        )
        return {
            name: result if isinstance(result, str) else "unreachable"
            for name, result in zip(names, results, strict=True)
        }


HEALTH_TIMEOUT_SECONDS = 2.0


async def _check(channel: Channel) -> str:
    reply = await HealthStub(channel).Check(
        HealthCheckRequest(service=""), timeout=HEALTH_TIMEOUT_SECONDS
    )
    return "serving" if reply.status == HealthCheckResponse.SERVING else "not_serving"
