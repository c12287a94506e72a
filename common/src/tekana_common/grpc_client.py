"""Channels to the services: each call carries the internal token, the request id and the
trace context in metadata, runs in a CLIENT span, and decodes a Tekana error's detail."""

from collections.abc import Callable, Coroutine
from typing import Any

from grpclib.client import Channel
from grpclib.events import SendRequest, listen

from tekana_common import tracing
from tekana_common.context import Caller, request_id_var
from tekana_common.grpc_errors import ErrorDetailCodec
from tekana_common.grpc_server import INTERNAL_TOKEN_KEY, REQUEST_ID_KEY
from tekana_common.settings import Transport


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
    """A channel to ``host:port`` that authenticates itself and decodes error details; over
    TLS when the transport says so."""
    host, _, port = address.rpartition(":")
    channel = Channel(
        host, int(port), ssl=transport.client_ssl(), status_details_codec=ErrorDetailCodec()
    )
    return instrument_channel(channel, internal_token=transport.internal_token)
