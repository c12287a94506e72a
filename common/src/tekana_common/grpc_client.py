"""Channels to the services: each call carries the internal token, the request id and the
trace context in metadata, runs in a CLIENT span, and decodes a Tekana error's detail.
Also each image's ``tekana-healthcheck`` (the probes of Kubernetes and compose): a call
to its own port, exiting 0 when it answers healthy."""

import asyncio
import urllib.request
from collections.abc import Callable, Coroutine
from typing import Any

from grpclib.client import Channel
from grpclib.config import Configuration
from grpclib.events import SendRequest, listen
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana_common import tracing
from tekana_common.balancing import BalancedChannel
from tekana_common.context import Caller, request_id_var
from tekana_common.grpc_errors import ErrorDetailCodec
from tekana_common.grpc_server import INTERNAL_TOKEN_KEY, REQUEST_ID_KEY
from tekana_common.settings import CommonSettings, Transport

PROBE_TIMEOUT_SECONDS = 2.0


def caller_fields(caller: Caller) -> dict[str, Any]:
    """A request's ``caller`` field for ``caller`` (keywords, so upb builds it in place)."""
    return {"customer_id": caller.customer_id, "admin": caller.is_admin}


def _send_listener(internal_token: str) -> Callable[[SendRequest], Coroutine[Any, Any, None]]:
    async def on_send_request(event: SendRequest) -> None:
        if internal_token:
            event.metadata[INTERNAL_TOKEN_KEY] = internal_token
        request_id = request_id_var.get()
        if request_id:
            event.metadata[REQUEST_ID_KEY] = request_id
        tracing.inject(event.metadata)

    return on_send_request


def instrument_channel(channel: Channel, *, internal_token: str) -> Channel:
    """Make every call on ``channel`` carry the internal token, request id and trace
    context, and run in a CLIENT span."""
    listen(channel, SendRequest, _send_listener(internal_token))
    if not tracing.ENABLED:
        return channel
    request = channel.request

    def traced_request(name: str, *args: Any, **kwargs: Any) -> Any:
        return tracing.TracedStream(request(name, *args, **kwargs), name)

    channel.request = traced_request  # type: ignore[method-assign]
    return channel


def open_channel(address: str, transport: Transport) -> Channel:
    """A channel to ``host:port`` that authenticates itself and decodes error details, over
    TLS when the transport says so, and spreads calls over every address ``host`` resolves
    to (balancing); TLS checks each server's certificate against ``host``."""
    host, _, port = address.rpartition(":")
    ssl = transport.client_ssl()
    config = Configuration(ssl_target_name_override=host) if ssl else None

    def to(target: str) -> Channel:
        channel = Channel(
            target, int(port), ssl=ssl, config=config, status_details_codec=ErrorDetailCodec()
        )
        return instrument_channel(channel, internal_token=transport.internal_token)

    return BalancedChannel(host, int(port), to)


async def serving(address: str) -> bool:
    """Whether the gRPC service at ``address`` answers its health check SERVING."""
    settings = CommonSettings()
    # Health is open to callers without the internal token: a probe needs none, only TLS.
    transport = Transport(
        internal_token="",
        tls_cert_file=settings.grpc_tls_cert_file,
        tls_key_file=settings.grpc_tls_key_file,
        tls_ca_file=settings.grpc_tls_ca_file,
    )
    host, _, port = address.rpartition(":")
    channel = Channel(host, int(port), ssl=transport.client_ssl())
    try:
        reply = await HealthStub(channel).Check(HealthCheckRequest(), timeout=PROBE_TIMEOUT_SECONDS)
    except (GRPCError, StreamTerminatedError, OSError, TimeoutError):
        return False
    finally:
        channel.close()
    return bool(reply.status == HealthCheckResponse.SERVING)


def grpc_check(address: str) -> int:
    """0 when the gRPC service at ``address`` is SERVING, else 1 (a process exit status)."""
    return 0 if asyncio.run(serving(address)) else 1


def http_check(url: str) -> int:
    """0 when ``url`` answers 200, else 1 (a process exit status)."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_SECONDS) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError:
        return 1
