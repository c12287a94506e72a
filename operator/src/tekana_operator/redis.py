"""The Redis a stack runs when rate limiting is on and no Redis is given: the login and
registration limits and the token revocation feed live there. Nothing in it outlives a
restart by design (no persistence): limits are windows of seconds, and a revocation
matters only for as long as the revoked token is valid."""

from typing import Any

from tekana_operator.meta import labels, metadata, selector
from tekana_operator.stack import REDIS_PORT, Stack
from tekana_operator.workloads import SECURITY_CONTEXT

COMPONENT = "redis"
# The official image's user id; the local cluster's image (tools/cluster/redis) has it too.
RUN_AS = 999


def deployment(stack: Stack) -> dict[str, Any]:
    ping = ["redis-cli", "-p", str(REDIS_PORT), "ping"]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(stack, stack.child(COMPONENT), COMPONENT),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector(stack, COMPONENT)},
            # One at a time: two would each hold half of the limits' counts.
            "strategy": {"type": "Recreate"},
            "template": {
                "metadata": {"labels": labels(stack, COMPONENT)},
                "spec": {
                    "automountServiceAccountToken": False,
                    "containers": [
                        {
                            "name": "redis",
                            "image": stack.rate_limiting.image,
                            "imagePullPolicy": stack.pull_policy,
                            "command": [
                                "redis-server",
                                "--port",
                                str(REDIS_PORT),
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--dir",
                                "/tmp",  # noqa: S108 (the pod's own scratch volume)
                                "--maxmemory",
                                "200mb",
                                # Counters have expiries: under pressure the nearest go first.
                                "--maxmemory-policy",
                                "volatile-ttl",
                            ],
                            "ports": [
                                {"name": "redis", "containerPort": REDIS_PORT, "protocol": "TCP"}
                            ],
                            "readinessProbe": {"exec": {"command": ping}, "periodSeconds": 5},
                            "livenessProbe": {"tcpSocket": {"port": "redis"}, "periodSeconds": 10},
                            "resources": {
                                "requests": {"cpu": "50m", "memory": "64Mi"},
                                "limits": {"cpu": "500m", "memory": "256Mi"},
                            },
                            "securityContext": {
                                **SECURITY_CONTEXT,
                                "runAsUser": RUN_AS,
                                "runAsGroup": RUN_AS,
                            },
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory"}}],
                },
            },
        },
    }


def service(stack: Stack) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(stack, stack.child(COMPONENT), COMPONENT),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(stack, COMPONENT),
            "ports": [
                {"name": "redis", "port": REDIS_PORT, "targetPort": "redis", "protocol": "TCP"}
            ],
        },
    }


def children(stack: Stack) -> list[dict[str, Any]]:
    return [service(stack), deployment(stack)] if stack.rate_limiting.managed else []
