"""``python -m tekana_operator``: run the operator (namespaced to TEKANA_OPERATOR_NAMESPACE,
or cluster-wide when it is empty)."""

import os
import sys

import kopf

from tekana_common.grpc_client import http_check
from tekana_operator import handlers

LIVENESS_PORT = 8080


def main() -> int:
    namespace = os.environ.get("TEKANA_OPERATOR_NAMESPACE", "")
    kopf.run(
        namespaces=[namespace] if namespace else [],
        clusterwide=not namespace,
        standalone=True,
        liveness_endpoint=f"http://0.0.0.0:{LIVENESS_PORT}/healthz",
    )
    return 0 if handlers else 1


def healthcheck() -> int:
    """The image's ``tekana-healthcheck``: kopf's liveness endpoint."""
    return http_check(f"http://127.0.0.1:{LIVENESS_PORT}/healthz")


if __name__ == "__main__":
    sys.exit(main())
