"""Health checks run from inside a container: each image's ``tekana-healthcheck`` command
(the probes of Kubernetes and compose) calls ``grpc_check`` or ``http_check`` for its own
port, and exits 0 when it answers healthy."""

import asyncio
import urllib.request

from grpclib.client import Channel
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana_common.settings import CommonSettings, Transport

TIMEOUT_SECONDS = 2.0


async def serving(address: str) -> bool:
    settings = CommonSettings()
    transport = Transport(
        internal_token=settings.internal_token,
        tls_cert_file=settings.grpc_tls_cert_file,
        tls_key_file=settings.grpc_tls_key_file,
        tls_ca_file=settings.grpc_tls_ca_file,
    )
    host, _, port = address.rpartition(":")
    channel = Channel(host, int(port), ssl=transport.client_ssl())
    try:
        reply = await HealthStub(channel).Check(HealthCheckRequest(), timeout=TIMEOUT_SECONDS)
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
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError:
        return 1
