"""``python -m tekana_common.healthprobe HOST:PORT``: exit 0 when the service's gRPC health
check answers SERVING. Container health checks and Kubernetes probes run it."""

import asyncio
import sys

from grpclib.client import Channel
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from tekana_common.settings import CommonSettings
from tekana_common.transport import Transport

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


def main() -> int:
    if len(sys.argv) != 2 or ":" not in sys.argv[1]:
        print("usage: python -m tekana_common.healthprobe HOST:PORT", file=sys.stderr)
        return 2
    return 0 if asyncio.run(serving(sys.argv[1])) else 1


if __name__ == "__main__":
    sys.exit(main())
