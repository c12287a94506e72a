"""The services as the routes see them: one method per use-case, the caller explicit.

Whether a use-case's call is grouped with other requests' (wallet pages, histories,
transfers and deposits: ``grouped``) is decided here, never by a route. Replies are the
services' protobuf messages; a failure is the service's ``GRPCError``. The transaction
service's side is in ``transactions``.
"""

import asyncio
from dataclasses import dataclass

from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana.customer.v1 import customer_grpc
from tekana.customer.v1 import customer_pb2 as customer_pb
from tekana.wallet.v1 import wallet_grpc
from tekana.wallet.v1 import wallet_pb2 as wallet_pb
from tekana_common.context import Caller
from tekana_common.grpc_client import caller_fields, open_channel
from tekana_common.settings import Transport
from tekana_gateway.grouped import GroupedCalls
from tekana_gateway.paging import Page
from tekana_gateway.retries import read
from tekana_gateway.transactions import Transactions

HEALTH_TIMEOUT_SECONDS = 2.0
__all__ = ["Customers", "Page", "Transactions", "Upstreams", "Wallets"]


class Customers:
    def __init__(self, channel: Channel, timeout: float | None) -> None:
        self._stub = customer_grpc.CustomerServiceStub(channel)
        self._timeout = timeout

    async def register(
        self,
        *,
        email: str,
        password: str,
        full_name: str,
        national_id: str,
        gender: customer_pb.Gender,
    ) -> customer_pb.Customer:
        request = customer_pb.RegisterRequest(
            email=email,
            password=password,
            full_name=full_name,
            national_id=national_id,
            gender=gender,
        )
        return await self._stub.Register(request, timeout=self._timeout)

    async def log_in(self, *, email: str, password: str, legacy: bool) -> customer_pb.AccessToken:
        surface = customer_pb.SURFACE_LEGACY if legacy else customer_pb.SURFACE_V1
        request = customer_pb.AuthenticateRequest(email=email, password=password, surface=surface)
        return await self._stub.Authenticate(request, timeout=self._timeout)

    async def refresh_session(self, refresh_token: str) -> customer_pb.AccessToken:
        request = customer_pb.RefreshSessionRequest(refresh_token=refresh_token)
        return await self._stub.RefreshSession(request, timeout=self._timeout)

    async def end_session(self, caller: Caller, session_id: str) -> None:
        request = customer_pb.EndSessionRequest(caller=caller_fields(caller), session_id=session_id)
        await self._stub.EndSession(request, timeout=self._timeout)

    async def change_password(self, caller: Caller, *, current: str, new: str) -> None:
        request = customer_pb.ChangePasswordRequest(
            caller=caller_fields(caller), current_password=current, new_password=new
        )
        await self._stub.ChangePassword(request, timeout=self._timeout)

    async def set_disabled(
        self, caller: Caller, customer_id: int, *, disabled: bool
    ) -> customer_pb.Customer:
        request = customer_pb.SetCustomerDisabledRequest(
            caller=caller_fields(caller), id=customer_id, disabled=disabled
        )
        return await self._stub.SetCustomerDisabled(request, timeout=self._timeout)

    async def customer(self, caller: Caller, customer_id: int) -> customer_pb.Customer:
        request = customer_pb.GetCustomerRequest(caller=caller_fields(caller), id=customer_id)
        return await read(lambda: self._stub.GetCustomer(request, timeout=self._timeout))

    async def customers(self, caller: Caller, page: Page) -> customer_pb.ListCustomersResponse:
        request = customer_pb.ListCustomersRequest(
            caller=caller_fields(caller), page={"limit": page.limit, "after": page.after}
        )
        return await read(lambda: self._stub.ListCustomers(request, timeout=self._timeout))


class Wallets:
    def __init__(self, channel: Channel, timeout: float | None) -> None:
        self._stub = wallet_grpc.WalletServiceStub(channel)
        self._timeout = timeout
        self._activities = GroupedCalls(self._get_activities, _activity, name="wallet_pages")

    async def create(
        self, caller: Caller, *, type: wallet_pb.WalletType, currency: str, idempotency_key: str
    ) -> wallet_pb.Wallet:
        request = wallet_pb.CreateWalletRequest(
            caller=caller_fields(caller),
            type=type,
            currency=currency,
            idempotency_key=idempotency_key,
        )
        if not idempotency_key:
            return await self._stub.CreateWallet(request, timeout=self._timeout)
        return await read(lambda: self._stub.CreateWallet(request, timeout=self._timeout))

    async def wallets(self, caller: Caller) -> list[wallet_pb.Wallet]:
        request = wallet_pb.ListWalletsRequest(caller=caller_fields(caller))
        reply = await read(lambda: self._stub.ListWallets(request, timeout=self._timeout))
        return list(reply.wallets)

    async def wallet(self, caller: Caller, account_number: str) -> wallet_pb.Wallet:
        request = wallet_pb.GetWalletRequest(
            caller=caller_fields(caller), account_number=account_number
        )
        return await read(lambda: self._stub.GetWallet(request, timeout=self._timeout))

    async def entries(
        self, caller: Caller, account_number: str, page: Page
    ) -> wallet_pb.ListEntriesResponse:
        request = wallet_pb.ListEntriesRequest(
            caller=caller_fields(caller),
            account_number=account_number,
            page={"limit": page.limit, "after": page.after},
        )
        return await read(lambda: self._stub.ListEntries(request, timeout=self._timeout))

    async def with_activity(
        self, caller: Caller, account_number: str, *, limit: int
    ) -> wallet_pb.WalletActivity:
        """The wallet and its latest ``limit`` entries in columns, in one read (grouped)."""
        query = wallet_pb.WalletActivityQuery(
            caller=caller_fields(caller), account_number=account_number, limit=limit
        )
        return await self._activities.submit(query)

    async def _get_activities(
        self, queries: list[wallet_pb.WalletActivityQuery]
    ) -> list[wallet_pb.WalletActivityAnswer]:
        request = wallet_pb.GetWalletActivitiesRequest(queries=queries)
        call = self._stub.GetWalletActivities
        return list((await read(lambda: call(request, timeout=self._timeout))).answers)


def _activity(answer: wallet_pb.WalletActivityAnswer) -> wallet_pb.WalletActivity:
    return answer.activity


@dataclass
class Upstreams:
    channels: dict[str, Channel]
    customers: Customers
    wallets: Wallets
    transactions: Transactions

    @classmethod
    def over(cls, channels: dict[str, Channel], *, timeout: float | None = None) -> "Upstreams":
        """The services over ``channels`` named customer, wallet and transaction."""
        return cls(
            channels=channels,
            customers=Customers(channels["customer"], timeout),
            wallets=Wallets(channels["wallet"], timeout),
            transactions=Transactions(channels["transaction"], timeout),
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
