"""The real gateway application in front of a real customer servicer backed by fakes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import serialization
from grpclib.health.service import Health

from tekana_common.context import Role
from tekana_customer.rpc import CustomerServicer
from tekana_customer.tokens import TokenIssuer
from tekana_gateway.app import create_app
from tekana_gateway.server import GatewayRunner
from tekana_gateway.settings import GatewaySettings
from tekana_gateway.upstream import Upstreams
from tests.support.fakes import FakeCustomerRepository, FakeHasher, fake_sessions
from tests.support.grpc import in_memory_channel
from tests.support.keys import key_pair

# A /v1 registration the gateway tests make (password "long enough").
ANN = {
    "email": "ann@example.com",
    "password": "long enough",
    "full_name": "Ann",
    "national_id": "1",
    "gender": "F",
}


@dataclass
class GatewayUnderTest:
    client: TestClient  # type: ignore[type-arg]
    issuer: TokenIssuer
    repo: FakeCustomerRepository
    hasher: FakeHasher

    def token_for(self, customer_id: int, *, admin: bool = False) -> str:
        roles = {Role.CUSTOMER, Role.ADMIN} if admin else {Role.CUSTOMER}
        return self.issuer.issue(
            customer_id=customer_id, email="x@example.com", roles=frozenset(roles)
        ).token


class GatewayTestServer(TestServer):
    """The application behind the gateway's own runner, as ``python -m tekana_gateway``
    serves it (its connection handling, and no handler cancellation on hang-ups)."""

    def __init__(self, app: web.Application, *, header_timeout: float, body_timeout: float):
        super().__init__(app)
        self._timeouts = {"header_timeout": header_timeout, "body_timeout": body_timeout}

    async def _make_runner(self, **kwargs: Any) -> web.AppRunner:
        kwargs["handler_cancellation"] = False
        return GatewayRunner(self.app, **self._timeouts, **kwargs)


@asynccontextmanager
async def gateway_with_fakes(**settings_overrides: object) -> AsyncIterator[GatewayUnderTest]:
    issuer, verifier = key_pair()
    public_pem = verifier.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # Attempt limits are off unless a test gives a Redis: unit tests must not share counters.
    settings = GatewaySettings(jwt_public_key=public_pem.decode(), redis_url="").model_copy(
        update=settings_overrides
    )
    repo = FakeCustomerRepository()
    hasher = FakeHasher()
    sessions = fake_sessions(repo, issuer)
    servicer = CustomerServicer(repo=repo, hasher=hasher, sessions=sessions)
    async with in_memory_channel([servicer, Health()]) as channel:
        # One in-memory server answers for every upstream; only the customer API is real.
        upstreams = Upstreams.over({"customer": channel, "wallet": channel, "transaction": channel})
        app = create_app(settings, upstreams=upstreams)
        server = GatewayTestServer(
            app,
            header_timeout=settings.http_header_timeout_seconds,
            body_timeout=settings.http_body_timeout_seconds,
        )
        async with TestClient(server) as client:
            yield GatewayUnderTest(client=client, issuer=issuer, repo=repo, hasher=hasher)
