"""What a stack renders so it can be watched and its limits work: network policies that let
the metrics scraper, the trace collector's senders and Redis's users in (and nobody else),
the Redis the stack runs, and the Prometheus Operator's PodMonitor and PrometheusRule,
checked against its real CRDs."""

from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest

from tekana_operator import resources
from tekana_operator.network import ApiVersions
from tekana_operator.stack import GRPC_PORTS, METRICS_PORT, REDIS_PORT, parse
from tests.support.k8s import PROMETHEUS_OPERATOR_CRDS, crd_schema, stack_body, third_party_crd

NAMESPACE = "tekana"  # stack_body's
COMPONENTS = ("gateway", "customer", "wallet", "transaction")


@dataclass(frozen=True)
class Pod:
    labels: dict[str, str]
    namespace: str = NAMESPACE
    namespace_labels: dict[str, str] = field(default_factory=dict)


def pod(component: str, stack: str = "prod") -> Pod:
    return Pod({"app.kubernetes.io/instance": stack, "app.kubernetes.io/component": component})


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, f"this reader knows matchLabels only: {selector}"
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def _peer_admits(peer: dict[str, Any], source: Pod) -> bool:
    """NetworkPolicyPeer semantics: a pod selector alone means the policy's namespace; a
    namespace selector alone means every pod there; both means both."""
    pods, namespaces = peer.get("podSelector"), peer.get("namespaceSelector")
    if namespaces is None:
        return source.namespace == NAMESPACE and _matches(pods or {}, source.labels)
    return _matches(namespaces, source.namespace_labels) and _matches(pods or {}, source.labels)


def allowed(policies: list[dict[str, Any]], source: Pod, target: Pod, port: int) -> bool:
    """Whether ``source`` may open ``port`` on ``target`` under Kubernetes' rules: a pod no
    policy selects takes anything; one that some do takes what any of them allows."""
    selecting = [p for p in policies if _matches(p["spec"]["podSelector"], target.labels)]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("ingress") or []:
            peers = rule.get("from")
            ports = rule.get("ports")
            if peers and not any(_peer_admits(p, source) for p in peers):
                continue
            if ports and not any(p.get("port") == port for p in ports):
                continue
            return True
    return False


def policies(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        c for c in resources.every_child(parse(stack_body(spec))) if c["kind"] == "NetworkPolicy"
    ]


def by_kind(spec: dict[str, Any], kind: str, versions: ApiVersions | None = None) -> dict[str, Any]:
    children = resources.every_child(parse(stack_body(spec)), versions)
    return {c["metadata"]["name"]: c for c in children if c["kind"] == kind}


SCRAPER = Pod({"app.kubernetes.io/name": "prometheus"}, "monitoring", {"team": "observability"})
STRANGER = Pod({"app": "something-else"}, "elsewhere", {"team": "other"})


@pytest.mark.parametrize("component", COMPONENTS)
def test_a_scraper_in_any_namespace_reaches_the_metrics_port_and_only_it(component: str) -> None:
    found = policies({})
    assert allowed(found, SCRAPER, pod(component), METRICS_PORT)
    own_port = 3000 if component == "gateway" else GRPC_PORTS[component]
    if component != "gateway":  # the gateway's API is open to the ingress controller
        assert not allowed(found, SCRAPER, pod(component), own_port)
    assert not allowed(found, SCRAPER, pod("database"), 5432)


def test_the_scraper_can_be_narrowed_to_namespaces_by_label() -> None:
    found = policies({"monitoring": {"scraperNamespaceLabels": {"team": "observability"}}})
    assert allowed(found, SCRAPER, pod("wallet"), METRICS_PORT)
    assert not allowed(found, STRANGER, pod("wallet"), METRICS_PORT)


def test_the_stack_s_pods_reach_its_trace_collector_and_strangers_do_not() -> None:
    found = policies({"tracing": {"enabled": True}})
    collector = pod("otel-collector")
    for component in (*COMPONENTS, "migrate"):
        assert allowed(found, pod(component), collector, 4318)
    assert not allowed(found, STRANGER, collector, 4318)
    assert not allowed(found, pod("wallet", stack="other"), collector, 4318)
    assert "prod-allow-otel-collector" not in {p["metadata"]["name"] for p in policies({})}


def test_only_the_gateway_and_the_customer_service_reach_redis() -> None:
    found = policies({})
    redis = pod("redis")
    assert allowed(found, pod("gateway"), redis, REDIS_PORT)
    assert allowed(found, pod("customer"), redis, REDIS_PORT)
    for other in ("wallet", "transaction"):
        assert not allowed(found, pod(other), redis, REDIS_PORT)
    assert not allowed(found, STRANGER, redis, REDIS_PORT)


def test_the_calls_the_design_makes_pass_and_others_do_not() -> None:
    found = policies({})
    assert allowed(found, pod("transaction"), pod("wallet"), GRPC_PORTS["wallet"])
    assert not allowed(found, pod("customer"), pod("wallet"), GRPC_PORTS["wallet"])
    assert allowed(found, pod("wallet"), pod("database"), 5432)
    assert not allowed(found, pod("gateway"), pod("database"), 5432)
    assert not allowed(found, STRANGER, pod("wallet"), GRPC_PORTS["wallet"])


def _redis_env(spec: dict[str, Any]) -> dict[str, str]:
    deployments = by_kind(spec, "Deployment")
    found = {}
    for component in ("gateway", "customer"):
        (container,) = deployments[f"prod-{component}"]["spec"]["template"]["spec"]["containers"]
        found[component] = next(
            e["value"] for e in container["env"] if e["name"] == "TEKANA_REDIS_URL"
        )
    return found


def test_login_limits_are_on_by_default_with_a_redis_the_stack_runs() -> None:
    assert _redis_env({}) == {
        "gateway": f"redis://prod-redis:{REDIS_PORT}/0",
        "customer": f"redis://prod-redis:{REDIS_PORT}/0",
    }
    redis = by_kind({}, "Deployment")["prod-redis"]["spec"]["template"]["spec"]
    (container,) = redis["containers"]
    assert container["image"] == "redis:7.0"
    assert container["securityContext"]["runAsNonRoot"] is True
    assert "prod-redis" in by_kind({}, "Service")


def test_a_given_redis_is_used_and_none_is_run_and_limits_can_be_turned_off() -> None:
    given = {"rateLimiting": {"redisURL": "redis://cache.internal:6379/2"}}
    assert set(_redis_env(given).values()) == {"redis://cache.internal:6379/2"}
    assert "prod-redis" not in by_kind(given, "Deployment")
    off = {"rateLimiting": {"enabled": False}}
    assert set(_redis_env(off).values()) == {""}
    assert "prod-redis" not in by_kind(off, "Deployment")
    assert "prod-allow-redis" not in by_kind(off, "NetworkPolicy")


WITH_PROMETHEUS_OPERATOR = ApiVersions(prometheus_operator=True)


@pytest.mark.parametrize(
    ("kind", "file"),
    [
        ("PodMonitor", "monitoring.coreos.com_podmonitors.yaml"),
        ("PrometheusRule", "monitoring.coreos.com_prometheusrules.yaml"),
    ],
)
def test_the_prometheus_operator_s_objects_fit_its_real_crds(kind: str, file: str) -> None:
    spec = {"monitoring": {"labels": {"release": "kube-prometheus-stack"}}}
    (found,) = by_kind(spec, kind, WITH_PROMETHEUS_OPERATOR).values()
    # Not checked as a schema itself: its patterns are Go's (a "(?i)" mid-pattern).
    schema = crd_schema(third_party_crd(PROMETHEUS_OPERATOR_CRDS / file))
    jsonschema.Draft7Validator(schema).validate(found)
    assert found["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert found["metadata"]["labels"]["app.kubernetes.io/instance"] == "prod"


def test_the_pod_monitor_scrapes_the_stack_s_metrics_port_and_keeps_its_labels() -> None:
    (monitor,) = by_kind({}, "PodMonitor", WITH_PROMETHEUS_OPERATOR).values()
    assert monitor["spec"]["selector"] == {"matchLabels": {"app.kubernetes.io/instance": "prod"}}
    assert monitor["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
    deployment = by_kind({}, "Deployment")["prod-wallet"]["spec"]["template"]["spec"]
    assert {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"} in deployment[
        "containers"
    ][0]["ports"]
    assert "app.kubernetes.io/instance" in monitor["spec"]["podTargetLabels"]


def test_the_rules_are_scoped_to_the_stack() -> None:
    (rule,) = by_kind({}, "PrometheusRule", WITH_PROMETHEUS_OPERATOR).values()
    exprs = [r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]]
    assert exprs
    for expr in exprs:
        assert 'namespace="tekana",app_kubernetes_io_instance="prod"' in expr


def test_without_the_crds_or_when_turned_off_there_are_none() -> None:
    assert not by_kind({}, "PodMonitor")
    off = {"monitoring": {"prometheusOperator": False}}
    assert not by_kind(off, "PodMonitor", WITH_PROMETHEUS_OPERATOR)
    assert not by_kind(off, "PrometheusRule", WITH_PROMETHEUS_OPERATOR)
