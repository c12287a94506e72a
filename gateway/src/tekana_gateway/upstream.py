"""gRPC channels and stubs to the services, opened and closed with the application."""

import asyncio
from dataclasses import dataclass

from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana.transaction.v1 import transaction_pb2
from tekana.wallet.v1 import wallet_pb2
from tekana_common import upb
from tekana_common.grpc import open_channel
from tekana_common.transport import Transport
from tekana_gateway.grouped import GroupedCalls
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
    # Calls grouped per loop turn: legacy wallet pages and histories, transfers and deposits.
    wallet_pages: GroupedCalls[wallet_pb2.WalletActivityQuery, wallet_pb2.WalletActivity]
    histories: GroupedCalls[
        transaction_pb2.RecentTransactionsQuery, transaction_pb2.RecentTransactions
    ]
    movements: GroupedCalls[transaction_pb2.Movement, transaction_pb2.TransactionResult]

    @classmethod
    def over(cls, channels: dict[str, Channel], *, timeout: float | None = None) -> "Upstreams":
        """Stubs over ``channels`` named customer, wallet and transaction."""
        wallets = WalletServiceStub(channels["wallet"], timeout=timeout)
        transactions = TransactionServiceStub(channels["transaction"], timeout=timeout)
        return cls(
            channels=channels,
            customers=CustomerServiceStub(channels["customer"], timeout=timeout),
            wallets=wallets,
            transactions=transactions,
            wallet_pages=GroupedCalls(
                wallets,
                upb.GET_WALLET_ACTIVITIES,
                request=lambda queries: wallet_pb2.GetWalletActivitiesRequest(queries=queries),
                result=lambda answer: answer.activity,
                name="wallet_pages",
            ),
            histories=GroupedCalls(
                transactions,
                upb.GET_RECENT_TRANSACTIONS,
                request=lambda queries: transaction_pb2.GetRecentTransactionsRequest(
                    queries=queries
                ),
                result=lambda answer: answer.recent,
                name="histories",
            ),
            movements=GroupedCalls(
                transactions,
                upb.CREATE_MOVEMENTS,
                request=lambda items: transaction_pb2.CreateMovementsRequest(movements=items),
                result=lambda answer: answer.result,
                name="movements",
            ),
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
