"""An in-memory gRPC channel to real servicers, with Tekana's events and error codec."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from grpclib.client import Channel
from grpclib.events import RecvRequest, listen
from grpclib.testing import ChannelFor

from tekana_common.grpc_client import instrument_channel
from tekana_common.grpc_errors import ErrorDetailCodec
from tekana_common.grpc_server import request_listener

INTERNAL_TOKEN = "internal-token-for-tests"


@asynccontextmanager
async def in_memory_channel(
    servicers: Sequence[Any], *, token: str = INTERNAL_TOKEN
) -> AsyncIterator[Channel]:
    """A channel presenting ``token`` to servicers that expect ``INTERNAL_TOKEN``."""
    channel_for = ChannelFor(servicers, status_details_codec=ErrorDetailCodec())
    async with channel_for as channel:
        # ChannelFor builds its own Server; give it the listener build_server adds.
        listen(channel_for._server, RecvRequest, request_listener(INTERNAL_TOKEN))
        yield instrument_channel(channel, internal_token=token)
