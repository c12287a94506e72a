"""Services refuse calls that do not carry the internal token; health stays open to probes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from grpclib.client import Channel, UnaryUnaryMethod
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.health.service import Health
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from tekana.customer.v1 import customer_pb2 as pb
from tekana.customer.v1.customer_grpc import CustomerServiceStub
from tekana_common import tracing
from tekana_common.grpc_client import instrument_channel
from tekana_common.grpc_errors import ErrorDetailCodec
from tekana_common.grpc_server import build_server
from tekana_common.settings import CommonSettings, Transport, TransportConfigError
from tekana_customer.rpc import CustomerServicer
from tests.support.fakes import FakeCustomerRepository, FakeHasher, fake_sessions
from tests.support.grpc import INTERNAL_TOKEN, in_memory_channel
from tests.support.keys import key_pair

REGISTER = pb.RegisterRequest(
    email="ann@example.com",
    password="long enough",
    full_name="Ann",
    national_id="1",
    gender=pb.GENDER_FEMALE,
)


def servicer() -> CustomerServicer:
    repo = FakeCustomerRepository()
    return CustomerServicer(
        repo=repo, hasher=FakeHasher(), sessions=fake_sessions(repo, key_pair()[0])
    )


@pytest.mark.parametrize("token", ["", "not-the-token", INTERNAL_TOKEN + "x"])
async def test_calls_without_the_right_token_are_refused(token: str) -> None:
    async with in_memory_channel([servicer(), Health()], token=token) as channel:
        with pytest.raises(GRPCError) as caught:
            await CustomerServiceStub(channel).Register(REGISTER)
        assert caught.value.status == Status.UNAUTHENTICATED
        health = await HealthStub(channel).Check(HealthCheckRequest())
        assert health.status == HealthCheckResponse.SERVING


async def test_calls_with_the_token_are_served() -> None:
    async with in_memory_channel([servicer()]) as channel:
        customer = await CustomerServiceStub(channel).Register(REGISTER)
    assert customer.email == "ann@example.com"


def test_a_process_without_a_token_refuses_to_start() -> None:
    with pytest.raises(TransportConfigError, match="TEKANA_INTERNAL_TOKEN"):
        Transport.from_settings(CommonSettings(internal_token=""))
    with pytest.raises(TransportConfigError, match="both"):
        Transport.from_settings(CommonSettings(internal_token="t", grpc_tls_cert_file="c.pem"))


class _RefusingStream:
    async def __aenter__(self) -> None:
        raise ConnectionRefusedError

    async def __aexit__(self, *exc: object) -> None:
        raise AssertionError("no __aexit__ after a failed __aenter__")


async def test_a_call_that_fails_to_start_leaves_no_span_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = TracerProvider()
    monkeypatch.setattr(tracing, "tracer", lambda: provider.get_tracer("test"))
    before = trace.get_current_span()
    with pytest.raises(ConnectionRefusedError):
        async with tracing.TracedStream(_RefusingStream(), "/tekana.test.v1.Test/Call"):
            pass
    # A span left current would be a recording one, from the provider above.
    assert trace.get_current_span() is before
    assert not trace.get_current_span().is_recording()


async def _call(channel: Channel, path: str) -> GRPCError:
    method = UnaryUnaryMethod(channel, path, HealthCheckRequest, HealthCheckResponse)
    with pytest.raises(GRPCError) as caught:
        await method(HealthCheckRequest())
    return caught.value


@asynccontextmanager
async def served(token: str) -> AsyncIterator[Channel]:
    """The customer servicer behind ``build_server`` on loopback, as a service runs it."""
    server = build_server([servicer()], internal_token=INTERNAL_TOKEN)
    await server.start("127.0.0.1", 0)
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    channel = instrument_channel(
        Channel("127.0.0.1", port, status_details_codec=ErrorDetailCodec()), internal_token=token
    )
    try:
        yield channel
    finally:
        channel.close()
        server.close()
        await server.wait_closed()


UNKNOWN = "/tekana.nowhere.v1.Nothing/Probe"
KNOWN = "/tekana.customer.v1.CustomerService/ListCustomers"


@pytest.mark.parametrize("token", ["", "not-the-token"])
async def test_without_the_token_unknown_methods_answer_like_known_ones(token: str) -> None:
    async with served(token) as channel:
        unknown, known = await _call(channel, UNKNOWN), await _call(channel, KNOWN)
    assert unknown.status == known.status == Status.UNAUTHENTICATED
    assert unknown.message == known.message


async def test_with_the_token_an_unknown_method_is_unimplemented() -> None:
    async with served(INTERNAL_TOKEN) as channel:
        assert (await _call(channel, UNKNOWN)).status == Status.UNIMPLEMENTED
