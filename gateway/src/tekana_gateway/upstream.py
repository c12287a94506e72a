"""gRPC channels and stubs to the services, opened and closed with the application."""

import asyncio
from dataclasses import dataclass

from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana_common.grpc import open_channel
from tekana_common.transport import Transport
from tekana_gateway.wallet_pages import WalletPages
from tekana_protos.tekana.customer.v1 import CustomerServiceStub
from tekana_protos.tekana.transaction.v1 import TransactionServiceStub
from tekana_protos.tekana.wallet.v1 import WalletServiceStub

HEALTH_TIMEOUT_SECONDS = 2.0


@dataclass
class Upstreams:
    channels: dict[str, Channel]
    customers: CustomerServiceStub
    wallets: WalletServiceStub
    transactions: TransactionServiceStub
    wallet_pages: WalletPages

    @classmethod
    def over(cls, channels: dict[str, Channel], *, timeout: float | None = None) -> "Upstreams":
        """Stubs over ``channels`` named customer, wallet and transaction."""
        wallets = WalletServiceStub(channels["wallet"], timeout=timeout)
        return cls(
            channels=channels,
            customers=CustomerServiceStub(channels["customer"], timeout=timeout),
            wallets=wallets,
            transactions=TransactionServiceStub(channels["transaction"], timeout=timeout),
            wallet_pages=WalletPages(wallets),
        )

    @classmethod
    def open(
        cls, addresses: dict[str, str], transport: Transport, *, timeout: float
    ) -> "Upstreams":
        channels = {name: open_channel(address, transport) for name, address in addresses.items()}
        return cls.over(channels, timeout=timeout)

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


async def _check(channel: Channel) -> str:
    reply = await HealthStub(channel).Check(
        HealthCheckRequest(service=""), timeout=HEALTH_TIMEOUT_SECONDS
    )
    return "serving" if reply.status == HealthCheckResponse.SERVING else "not_serving"
