"""The operator's pure side: a spec renders into valid, owned, hardened Kubernetes objects."""

from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from tekana_common.settings import ServiceSettings
from tekana_customer.settings import CustomerSettings
from tekana_operator import resources, workloads
from tekana_operator.network import ApiVersions
from tekana_operator.stack import GRPC_PORTS, parse
from tekana_operator.status import Observed, compute
from tekana_transaction.settings import TransactionSettings
from tekana_wallet.settings import WalletSettings
from tests.support.k8s import KUBERNETES_VERSION, crd, stack_body

FULL_SPEC: dict[str, Any] = {
    "image": {"registry": "registry.internal/tekana", "tag": "1.2.3"},
    "components": {"gateway": {"replicas": 3}, "wallet": {"image": {"tag": "1.2.4"}}},
    "autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 12},
    "ingress": {"host": "api.tekana.example", "tlsSecretName": "api-tls"},
    "tracing": {"enabled": True, "samplingRatio": 0.25},
    "database": {"mode": "managed", "managed": {"retainVolumeOnDelete": False}},
}
SPECS = {
    "defaults": {},
    "full": FULL_SPEC,
    "external database": {"database": {"mode": "external", "external": {"secretName": "pg"}}},
}


def children(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return resources.every_child(parse(stack_body(spec)))


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_every_child_is_a_valid_kubernetes_object(spec: dict[str, Any]) -> None:
    for manifest in children(spec):
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_every_child_is_owned_by_the_stack(spec: dict[str, Any]) -> None:
    for manifest in children(spec):
        (owner,) = manifest["metadata"]["ownerReferences"]
        assert (owner["kind"], owner["name"], owner["uid"]) == ("TekanaStack", "prod", "uid-1")
        assert owner["controller"] is True


def test_images_replicas_and_autoscaling_follow_the_spec() -> None:
    objects = children(FULL_SPEC)
    deployments = by_kind(objects, "Deployment")
    gateway = deployments["prod-gateway"]["spec"]
    assert gateway["replicas"] == 3
    assert (
        gateway["template"]["spec"]["containers"][0]["image"]
        == "registry.internal/tekana/gateway:1.2.3"
    )
    wallet = deployments["prod-wallet"]["spec"]["template"]["spec"]["containers"][0]
    assert wallet["image"] == "registry.internal/tekana/wallet:1.2.4"
    (hpa,) = by_kind(objects, "HorizontalPodAutoscaler").values()
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)
    assert "HorizontalPodAutoscaler" not in {o["kind"] for o in children({})}


def test_containers_run_hardened_and_probed() -> None:
    for name, deployment in by_kind(children({}), "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        security = container["securityContext"]
        assert security["runAsNonRoot"] is True, name
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["capabilities"] == {"drop": ["ALL"]}, name
        assert "readinessProbe" in container
        assert "livenessProbe" in container
        assert pod["automountServiceAccountToken"] is False
    gateway = by_kind(children({}), "Deployment")["prod-gateway"]["spec"]["template"]["spec"]
    # The gateway's own readiness: not its upstreams' health (/ready), which one draining
    # replica of a service would fail.
    assert gateway["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/serving"


@pytest.mark.parametrize(
    ("component", "settings"),
    [
        ("customer", CustomerSettings),
        ("wallet", WalletSettings),
        ("transaction", TransactionSettings),
    ],
)
def test_a_service_probe_asks_the_port_the_service_is_given(
    component: str, settings: type[ServiceSettings]
) -> None:
    # The service serves gRPC on the port its settings give it, and answers its probes in
    # process on the metrics port it is given (no interpreter started per probe).
    deployment = by_kind(children({}), "Deployment")[f"prod-{component}"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    port = int(env.get("TEKANA_GRPC_PORT") or settings.model_fields["grpc_port"].default)
    assert port == GRPC_PORTS[component]
    assert [p["containerPort"] for p in container["ports"] if p["name"] == "grpc"] == [port]
    metrics_port = int(env["TEKANA_METRICS_PORT"])
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": metrics_port}
    assert container["livenessProbe"]["httpGet"] == {"path": "/live", "port": metrics_port}


def test_network_policies_allow_only_gateway_to_services_to_database() -> None:
    policies = by_kind(children({}), "NetworkPolicy")
    assert policies["prod-deny-all"]["spec"]["ingress"] == []

    def sources(name: str) -> set[str]:
        rules = policies[name]["spec"]["ingress"]
        return {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
            for rule in rules
            for peer in rule.get("from", [])
        }

    assert sources("prod-allow-customer") == {"gateway"}
    assert sources("prod-allow-wallet") == {"gateway", "transaction"}
    assert sources("prod-allow-transaction") == {"gateway"}
    assert sources("prod-allow-database") == {"customer", "wallet", "transaction", "migrate"}


def test_the_ingress_balances_round_robin_and_retries_on_the_next_upstream() -> None:
    (ingress,) = by_kind(children(FULL_SPEC), "Ingress").values()
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/load-balance"] == "round_robin"
    assert "error timeout" in annotations["nginx.ingress.kubernetes.io/proxy-next-upstream"]
    assert ingress["spec"]["tls"] == [{"hosts": ["api.tekana.example"], "secretName": "api-tls"}]


def test_an_external_database_is_read_from_its_secret() -> None:
    objects = children(SPECS["external database"])
    assert "StatefulSet" not in {o["kind"] for o in objects}
    wallet = by_kind(objects, "Deployment")["prod-wallet"]["spec"]["template"]["spec"]
    env = {e["name"]: e for e in wallet["containers"][0]["env"]}
    assert env["TEKANA_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "pg", "key": "url"}


def test_secrets_are_never_part_of_what_a_reconcile_reapplies() -> None:
    stack = parse(stack_body(FULL_SPEC))
    kinds = {o["kind"] for o in resources.infrastructure(stack, ApiVersions())}
    assert "Secret" not in kinds


def test_a_new_release_or_database_gets_a_new_migration_job() -> None:
    def job(spec: dict[str, Any]) -> str:
        return workloads.migration_job_name(parse(stack_body(spec)))

    assert job({"image": {"tag": "1.0.0"}}) != job({"image": {"tag": "1.0.1"}})
    assert job({"image": {"tag": "1.0.0"}}) == job({"image": {"tag": "1.0.0"}})
    # A Job's template cannot change: another database is another Job, which migrates it.
    assert job({"database": {"mode": "external", "external": {"secretName": "pg"}}}) != job({})
    # What does not reach the Job's pods does not run migrations again.
    assert job({"components": {"gateway": {"replicas": 7}}}) == job({})
    assert job({"tracing": {"enabled": True}}) == job({})


def test_older_clusters_get_the_api_versions_they_serve() -> None:
    old = ApiVersions(autoscaling="autoscaling/v2beta2", disruption_budget="policy/v1beta1")
    objects = resources.infrastructure(parse(stack_body(FULL_SPEC)), old)
    versions = {o["kind"]: o["apiVersion"] for o in objects}
    assert versions["HorizontalPodAutoscaler"] == "autoscaling/v2beta2"
    assert versions["PodDisruptionBudget"] == "policy/v1beta1"


def test_status_reports_generation_components_and_conditions() -> None:
    rolling = compute(
        Observed({"gateway": (2, 1), "customer": (2, 2)}, migrated=True),
        generation=4,
        gateway_url="http://tekana.local",
        previous={},
    )
    conditions = {c["type"]: c for c in rolling["conditions"]}
    assert rolling["observedGeneration"] == 4
    assert conditions["Ready"]["status"] == "False"
    assert conditions["Progressing"]["reason"] == "RollingOut"
    assert rolling["components"]["gateway"] == {"replicas": 2, "readyReplicas": 1}
    ready = compute(
        Observed({c: (2, 2) for c in ("gateway", "customer", "wallet", "transaction")}, True),
        generation=5,
        gateway_url="http://tekana.local",
        previous=rolling,
    )
    now_ready = {c["type"]: c for c in ready["conditions"]}
    assert now_ready["Ready"]["status"] == "True"
    assert now_ready["Degraded"]["status"] == "False"
    assert (
        now_ready["Degraded"]["lastTransitionTime"] == conditions["Degraded"]["lastTransitionTime"]
    )


def _crd_schema() -> dict[str, Any]:
    schema: dict[str, Any] = crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schema


@pytest.mark.parametrize(
    "spec",
    [
        {"components": {"gateway": {"replicas": 500}}},
        {"database": {"mode": "sqlite"}},
        {"database": {"mode": "external"}},
        {"tracing": {"samplingRatio": 2}},
        {"image": {"pullPolicy": "Sometimes"}},
    ],
)
def test_the_crd_schema_refuses_invalid_specs(spec: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(stack_body(spec), _crd_schema())


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_the_crd_schema_accepts_valid_specs(spec: dict[str, Any]) -> None:
    jsonschema.validate(stack_body(spec), _crd_schema())


def test_gateway_metrics_have_their_own_port_that_the_ingress_never_reaches() -> None:
    objects = children(FULL_SPEC)
    pod = by_kind(objects, "Deployment")["prod-gateway"]["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
    assert env["TEKANA_METRICS_PORT"] == "9464"
    assert env["TEKANA_METRICS_PORT"] != env.get("TEKANA_HTTP_PORT", "3000")
    (ingress,) = by_kind(objects, "Ingress").values()
    backends = [
        path["backend"]["service"]["port"]["number"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    service = by_kind(objects, "Service")["prod-gateway"]
    service_ports = {p["port"] for p in service["spec"]["ports"]}
    assert 9464 not in backends
    assert 9464 not in service_ports


def test_read_only_reaches_the_gateway() -> None:
    def read_only(spec: dict[str, Any]) -> str:
        deployments = by_kind(children(spec), "Deployment")
        (container,) = deployments["prod-gateway"]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        return str(env["TEKANA_READ_ONLY"])

    assert read_only({}) == "false"
    assert read_only({"readOnly": True}) == "true"
