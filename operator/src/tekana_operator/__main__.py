"""``python -m tekana_operator``: run the operator (namespaced to TEKANA_OPERATOR_NAMESPACE,
or cluster-wide when it is empty)."""

import os
import sys

import kopf

from tekana_operator import handlers


def main() -> int:
    namespace = os.environ.get("TEKANA_OPERATOR_NAMESPACE", "")
    kopf.run(
        namespaces=[namespace] if namespace else [],
        clusterwide=not namespace,
        standalone=True,
        liveness_endpoint="http://0.0.0.0:8080/healthz",
    )
    return 0 if handlers else 1


if __name__ == "__main__":
    sys.exit(main())
