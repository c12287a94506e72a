"""Services, the ingress (nginx, round robin, retries of idempotent requests), network
policies (gateway → services → database; the metrics scraper, the trace collector's
senders and Redis's users let in), autoscaling and disruption budgets."""

from dataclasses import dataclass
from typing import Any

from tekana_operator.meta import metadata, selector
from tekana_operator.stack import GRPC_PORTS, HTTP_PORT, METRICS_PORT, REDIS_PORT, Stack

INGRESS_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/load-balance": "round_robin",
    # nginx never retries a POST on another upstream (non-idempotent), only GET and the like.
    "nginx.ingress.kubernetes.io/proxy-next-upstream": "error timeout http_502 http_503 http_504",
    "nginx.ingress.kubernetes.io/proxy-next-upstream-tries": "3",
    "nginx.ingress.kubernetes.io/proxy-body-size": "64k",
}
POSTGRES_PORT = 5432
# The collector's OTLP ports (config.py renders it).
OTLP_GRPC, OTLP_HTTP = 4317, 4318


@dataclass(frozen=True)
class ApiVersions:
    """Where the cluster serves the kinds that moved between versions."""

    autoscaling: str = "autoscaling/v2"
    disruption_budget: str = "policy/v1"
    # The Prometheus Operator's PodMonitor and PrometheusRule.
    prometheus_operator: bool = False
    # CloudNativePG's Cluster, Database and ScheduledBackup.
    cloudnative_pg: bool = False


def service(stack: Stack, component: str) -> dict[str, Any]:
    port = HTTP_PORT if component == "gateway" else GRPC_PORTS[component]
    name = "http" if component == "gateway" else "grpc"
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(stack, stack.child(component), component),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(stack, component),
            "ports": [{"name": name, "port": port, "targetPort": name, "protocol": "TCP"}],
        },
    }


def pods_service(stack: Stack, component: str) -> dict[str, Any]:
    """A headless Service over a gRPC component: its name resolves to each ready pod, so
    callers spread their calls over every replica (one HTTP/2 connection to a cluster IP
    would pin them all on one). Beside the cluster-IP Service, whose IP cannot be removed
    from an existing Service."""
    port = GRPC_PORTS[component]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(stack, pods_service_name(stack, component), component),
        "spec": {
            "clusterIP": "None",
            "selector": selector(stack, component),
            "ports": [{"name": "grpc", "port": port, "targetPort": "grpc", "protocol": "TCP"}],
        },
    }


def pods_service_name(stack: Stack, component: str) -> str:
    return stack.child(f"{component}-pods")


def grpc_address(stack: Stack, component: str) -> str:
    """Where callers reach ``component``: its headless Service."""
    return f"{pods_service_name(stack, component)}:{GRPC_PORTS[component]}"


def ingress(stack: Stack) -> dict[str, Any]:
    meta = metadata(stack, stack.child("gateway"), "gateway")
    meta["annotations"] = {**INGRESS_ANNOTATIONS, **stack.ingress.annotations}
    spec: dict[str, Any] = {
        "ingressClassName": stack.ingress.class_name,
        "rules": [
            {
                "host": stack.ingress.host,
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {
                                "service": {
                                    "name": stack.child("gateway"),
                                    "port": {"number": HTTP_PORT},
                                }
                            },
                        }
                    ]
                },
            }
        ],
    }
    if stack.ingress.tls_secret:
        spec["tls"] = [{"hosts": [stack.ingress.host], "secretName": stack.ingress.tls_secret}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}


def gateway_url(stack: Stack) -> str:
    scheme = "https" if stack.ingress.tls_secret else "http"
    return f"{scheme}://{stack.ingress.host}"


def _policy(
    stack: Stack, name: str, component: str | None, ingress_rules: list[dict[str, Any]]
) -> dict[str, Any]:
    pods = selector(stack, component) if component else {"app.kubernetes.io/instance": stack.name}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(stack, stack.child(name), component),
        "spec": {
            "podSelector": {"matchLabels": pods},
            "policyTypes": ["Ingress"],
            "ingress": ingress_rules,
        },
    }


def _from(stack: Stack, *components: str) -> list[dict[str, Any]]:
    return [{"podSelector": {"matchLabels": selector(stack, c)}} for c in components]


def network_policies(stack: Stack) -> list[dict[str, Any]]:
    """Deny everything into the stack's pods, then allow only the calls the design makes."""
    grpc = {c: [{"port": p, "protocol": "TCP"}] for c, p in GRPC_PORTS.items()}
    policies = [
        _policy(stack, "deny-all", None, []),
        # The ingress controller lives elsewhere; the gateway's port is open to it.
        _policy(stack, "allow-gateway", "gateway", [{"ports": [{"port": HTTP_PORT}]}]),
        _policy(
            stack,
            "allow-customer",
            "customer",
            [{"from": _from(stack, "gateway"), "ports": grpc["customer"]}],
        ),
        _policy(
            stack,
            "allow-wallet",
            "wallet",
            [{"from": _from(stack, "gateway", "transaction"), "ports": grpc["wallet"]}],
        ),
        _policy(
            stack,
            "allow-transaction",
            "transaction",
            [{"from": _from(stack, "gateway"), "ports": grpc["transaction"]}],
        ),
    ]
    # Metrics: the scraper, wherever the spec says it runs (every namespace by default).
    scrapers = {"namespaceSelector": {"matchLabels": stack.monitoring.scraper_namespace_labels}}
    policies.append(
        _policy(
            stack,
            "allow-metrics",
            None,
            [{"from": [scrapers], "ports": [{"port": METRICS_PORT, "protocol": "TCP"}]}],
        )
    )
    instance = {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": stack.name}}}
    if stack.runs_collector:
        policies.append(
            _policy(
                stack,
                "allow-otel-collector",
                "otel-collector",
                [
                    {
                        "from": [instance],
                        "ports": [
                            {"port": OTLP_GRPC, "protocol": "TCP"},
                            {"port": OTLP_HTTP, "protocol": "TCP"},
                        ],
                    }
                ],
            )
        )
    if stack.rate_limiting.managed:
        policies.append(
            _policy(
                stack,
                "allow-redis",
                "redis",
                [
                    {
                        "from": _from(stack, "gateway", "customer"),
                        "ports": [{"port": REDIS_PORT, "protocol": "TCP"}],
                    }
                ],
            )
        )
    if stack.database.dev:
        policies.append(
            _policy(
                stack,
                "allow-database",
                "database",
                [
                    {
                        "from": _from(stack, "customer", "wallet", "transaction", "migrate"),
                        "ports": [{"port": POSTGRES_PORT, "protocol": "TCP"}],
                    }
                ],
            )
        )
    return policies


def autoscaler(stack: Stack, versions: ApiVersions) -> dict[str, Any]:
    scaling = stack.autoscaling
    return {
        "apiVersion": versions.autoscaling,
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(stack, stack.child("gateway"), "gateway"),
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": stack.child("gateway"),
            },
            "minReplicas": scaling.min_replicas,
            "maxReplicas": max(scaling.max_replicas, scaling.min_replicas),
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": scaling.target_cpu},
                    },
                }
            ],
        },
    }


def disruption_budget(stack: Stack, component: str, versions: ApiVersions) -> dict[str, Any]:
    return {
        "apiVersion": versions.disruption_budget,
        "kind": "PodDisruptionBudget",
        "metadata": metadata(stack, stack.child(component), component),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector(stack, component)}},
    }
