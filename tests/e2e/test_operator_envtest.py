"""The real operator (KopfRunner) against a real kube-apiserver, etcd and controller manager:
the CRD, validation, children with owners, status, scaling, drift repair, deletion."""

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from kopf.testing import KopfRunner
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from tests.support.envtest import ControlPlane, binaries_missing, control_plane
from tests.support.k8s import CRD_PATH

# Read by the handlers module when KopfRunner imports it: reconcile every 2 s, not 30.
os.environ["TEKANA_OPERATOR_RESYNC_SECONDS"] = "2"

NAMESPACE = "tekana-test"
GROUP, VERSION, PLURAL = "tekana.io", "v1alpha1", "tekanastacks"
T = TypeVar("T")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    missing = binaries_missing()
    if missing:
        pytest.fail(f"missing {missing}: ./taskw system-tools builds and installs them")
    with control_plane(tmp_path_factory.mktemp("envtest")) as plane:
        yield plane


@pytest.fixture(scope="module")
def api(cluster: ControlPlane) -> client.ApiClient:
    os.environ["KUBECONFIG"] = str(cluster.kubeconfig)
    api_client: client.ApiClient = config.new_client_from_config(str(cluster.kubeconfig))
    client.ApiextensionsV1Api(api_client).create_custom_resource_definition(
        yaml.safe_load(CRD_PATH.read_text())
    )
    client.CoreV1Api(api_client).create_namespace(
        client.V1Namespace(metadata=client.V1ObjectMeta(name=NAMESPACE))
    )
    eventually(lambda: _established(api_client))
    return api_client


def _established(api_client: client.ApiClient) -> bool:
    crd = client.ApiextensionsV1Api(api_client).read_custom_resource_definition(
        "tekanastacks.tekana.io"
    )
    conditions = crd.status.conditions if crd.status else None
    return any(c.type == "Established" and c.status == "True" for c in conditions or [])


def eventually(check: Callable[[], T], *, timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except (ApiException, AssertionError, KeyError, TypeError) as exc:
            last = exc
        else:
            if result:
                return result
        time.sleep(0.3)
    raise AssertionError(f"not reached within {timeout}s; last error: {last}")


def stacks(api_client: client.ApiClient) -> client.CustomObjectsApi:
    return client.CustomObjectsApi(api_client)


def patch(api_client: client.ApiClient, name: str, body: dict[str, Any]) -> None:
    stacks(api_client).patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, name, body)


def new_stack(api_client: client.ApiClient, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    body = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "TekanaStack",
        "metadata": {"name": name},
        "spec": spec,
    }
    created = stacks(api_client).create_namespaced_custom_object(
        GROUP, VERSION, NAMESPACE, PLURAL, body
    )
    assert isinstance(created, dict)
    return created


@pytest.mark.parametrize(
    "spec",
    [
        {"components": {"gateway": {"replicas": 500}}},
        {"database": {"mode": "external"}},
        {"image": {"pullPolicy": "Sometimes"}},
        {"tracing": {"samplingRatio": 3}},
    ],
)
def test_the_api_server_refuses_invalid_stacks(api: client.ApiClient, spec: dict[str, Any]) -> None:
    with pytest.raises(ApiException) as refused:
        new_stack(api, "invalid", spec)
    assert refused.value.status == 422


def test_the_operator_builds_keeps_and_removes_a_stack(
    api: client.ApiClient, tmp_path: Path
) -> None:
    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    batch, network = client.BatchV1Api(api), client.NetworkingV1Api(api)
    with KopfRunner(
        ["run", "--standalone", "--namespace", NAMESPACE, "-m", "tekana_operator.handlers"],
        timeout=120,
    ) as runner:
        created = new_stack(api, "demo", {"components": {"gateway": {"replicas": 2}}})
        uid = created["metadata"]["uid"]

        def owned(obj: Any) -> bool:
            refs = obj.metadata.owner_references or []
            return any(r.uid == uid and r.controller for r in refs)

        def owned_by_stack(obj: Any) -> bool:
            return any(r.uid == uid for r in obj.metadata.owner_references or [])

        # Before migrations: everything but the Deployments (the Job is applied last).
        eventually(lambda: batch.list_namespaced_job(NAMESPACE).items)
        assert owned(apps.read_namespaced_stateful_set("demo-postgres", NAMESPACE))
        for service in (
            "demo-gateway",
            "demo-customer",
            "demo-wallet",
            "demo-transaction",
            "demo-postgres",
        ):
            assert owned(core.read_namespaced_service(service, NAMESPACE))
        assert owned(core.read_namespaced_config_map("demo-config", NAMESPACE))
        assert owned(core.read_namespaced_secret("demo-internal", NAMESPACE))
        assert owned(network.read_namespaced_ingress("demo-gateway", NAMESPACE))
        assert len(network.list_namespaced_network_policy(NAMESPACE).items) == 6
        (job,) = batch.list_namespaced_job(NAMESPACE).items
        assert owned(job)

        def status() -> dict[str, Any]:
            found: Any = stacks(api).get_namespaced_custom_object(
                GROUP, VERSION, NAMESPACE, PLURAL, "demo"
            )
            assert isinstance(found, dict)
            return found

        migrating = eventually(lambda: status().get("status", {}).get("conditions") and status())
        conditions = {c["type"]: c for c in migrating["status"]["conditions"]}
        assert conditions["Progressing"]["reason"] == "Migrating"
        # Nothing needs the operator at deletion, so nothing waits for it there.
        assert not migrating["metadata"].get("finalizers")
        assert migrating["status"]["observedGeneration"] == migrating["metadata"]["generation"]

        # No kubelet here: play its part and mark the migration Job done.
        batch.patch_namespaced_job_status(
            str(job.metadata.name if job.metadata else ""), NAMESPACE, {"status": {"succeeded": 1}}
        )
        # Deployments are applied gateway first, transaction last.
        eventually(lambda: apps.read_namespaced_deployment("demo-transaction", NAMESPACE))
        gateway = eventually(lambda: apps.read_namespaced_deployment("demo-gateway", NAMESPACE))
        assert owned(gateway)
        assert gateway.spec.replicas == 2
        for component in ("customer", "wallet", "transaction"):
            assert owned(apps.read_namespaced_deployment(f"demo-{component}", NAMESPACE))

        # Scaling: a spec change reaches the Deployment and the status' observedGeneration.
        stacks(api).patch_namespaced_custom_object(
            GROUP,
            VERSION,
            NAMESPACE,
            PLURAL,
            "demo",
            {"spec": {"components": {"gateway": {"replicas": 4}}}},
        )
        eventually(
            lambda: apps.read_namespaced_deployment("demo-gateway", NAMESPACE).spec.replicas == 4
        )
        scaled = eventually(
            lambda: (
                status()["status"]["observedGeneration"] == status()["metadata"]["generation"]
                and status()
            )
        )
        assert scaled["status"]["components"]["gateway"]["replicas"] == 4

        # Drift: a Deployment deleted by hand comes back.
        apps.delete_namespaced_deployment("demo-wallet", NAMESPACE)
        eventually(lambda: owned(apps.read_namespaced_deployment("demo-wallet", NAMESPACE)))

        # With autoscaling on, the autoscaler owns the gateway's replicas.
        autoscaling = client.AutoscalingV1Api(api)
        patch(api, "demo", {"spec": {"autoscaling": {"enabled": True, "minReplicas": 2}}})
        eventually(lambda: autoscaling.list_namespaced_horizontal_pod_autoscaler(NAMESPACE).items)
        apps.patch_namespaced_deployment_scale(
            "demo-gateway", NAMESPACE, {"spec": {"replicas": 5}}
        )  # as the autoscaler does
        patch(api, "demo", {"spec": {"tracing": {"samplingRatio": 0.5}}})  # any reconcile
        eventually(
            lambda: status()["status"]["observedGeneration"] == status()["metadata"]["generation"]
        )
        time.sleep(2)
        assert apps.read_namespaced_deployment("demo-gateway", NAMESPACE).spec.replicas == 5

        # Each stack has a host of its own; one that asks for another's is refused, by
        # name, and everything else of it is still made.
        ingresses: Any = network.list_namespaced_ingress(NAMESPACE).items
        (ingress,) = ingresses
        host = ingress.spec.rules[0].host
        assert host == f"demo.{NAMESPACE}.tekana.local"
        new_stack(api, "twin", {"ingress": {"host": host}})

        def twin_degraded() -> str:
            found: Any = stacks(api).get_namespaced_custom_object(
                GROUP, VERSION, NAMESPACE, PLURAL, "twin"
            )
            conditions = {c["type"]: c for c in (found.get("status") or {}).get("conditions") or []}
            degraded = conditions.get("Degraded", {})
            return str(degraded.get("message")) if degraded.get("status") == "True" else ""

        message = eventually(twin_degraded)
        assert message == f"spec.ingress.host: {host} is already claimed by Ingress demo-gateway"
        assert core.read_namespaced_config_map("twin-config", NAMESPACE)
        ingresses = network.list_namespaced_ingress(NAMESPACE).items
        assert [i.metadata.name for i in ingresses] == ["demo-gateway"]
        stacks(api).delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "twin")

        # What the spec stops asking for goes: the autoscaler, the Ingress, the gateway's
        # disruption budget (one replica: a minAvailable of 1 would block every drain).
        def budgets() -> list[str]:
            # policy/v1beta1 on this 1.20 server, which the typed client no longer has.
            found: Any = stacks(api).list_namespaced_custom_object(
                "policy", "v1beta1", NAMESPACE, "poddisruptionbudgets"
            )
            return [b["metadata"]["name"] for b in found["items"]]

        assert "demo-gateway" in budgets()
        patch(
            api,
            "demo",
            {
                "spec": {
                    "autoscaling": {"enabled": False},
                    "ingress": {"enabled": False},
                    "components": {"gateway": {"replicas": 1}},
                }
            },
        )
        eventually(lambda: not network.list_namespaced_ingress(NAMESPACE).items)
        eventually(
            lambda: not autoscaling.list_namespaced_horizontal_pod_autoscaler(NAMESPACE).items
        )
        eventually(lambda: "demo-gateway" not in budgets())

        # A failed migration is Degraded, with the Job's reason, and Progressing no more.
        def jobs() -> Any:
            return batch.list_namespaced_job(NAMESPACE).items

        broken = new_stack(api, "broken", {})
        broken_job: Any = eventually(
            lambda: [
                j for j in jobs() if j.metadata.labels.get("app.kubernetes.io/instance") == "broken"
            ]
        )[0]
        failed = {
            "type": "Failed",
            "status": "True",
            "reason": "BackoffLimitExceeded",
            "message": "Job has reached the specified backoff limit",
        }
        batch.patch_namespaced_job_status(
            broken_job.metadata.name, NAMESPACE, {"status": {"failed": 21, "conditions": [failed]}}
        )

        def broken_conditions() -> dict[str, Any]:
            found: Any = stacks(api).get_namespaced_custom_object(
                GROUP, VERSION, NAMESPACE, PLURAL, "broken"
            )
            return {c["type"]: c for c in (found.get("status") or {}).get("conditions") or []}

        degraded = eventually(
            lambda: (
                broken_conditions().get("Degraded", {}).get("status") == "True"
                and broken_conditions()
            )
        )
        assert "backoff limit" in degraded["Degraded"]["message"]
        assert broken_job.metadata.name in degraded["Degraded"]["message"]
        assert degraded["Progressing"]["status"] == "False"
        assert broken["metadata"]["uid"]
        stacks(api).delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "broken")

        # Events tell what the operator did.
        eventually(
            lambda: any(
                e.involved_object.kind == "TekanaStack"
                for e in core.list_namespaced_event(NAMESPACE).items
            )
        )

        # Deletion: garbage collection removes the children and, as the spec says not to
        # keep it, the database's volume (a claim the StatefulSet made, which the stack
        # comes to own).
        claim = client.V1PersistentVolumeClaim(
            metadata=client.V1ObjectMeta(
                name="data-demo-postgres-0",
                labels={
                    "app.kubernetes.io/instance": "demo",
                    "app.kubernetes.io/component": "database",
                },
            ),
            spec=client.V1PersistentVolumeClaimSpec(
                access_modes=["ReadWriteOnce"],
                resources=client.V1VolumeResourceRequirements(requests={"storage": "1Gi"}),
            ),
        )
        core.create_namespaced_persistent_volume_claim(NAMESPACE, claim)
        stacks(api).patch_namespaced_custom_object(
            GROUP,
            VERSION,
            NAMESPACE,
            PLURAL,
            "demo",
            {"spec": {"database": {"managed": {"retainVolumeOnDelete": False}}}},
        )

        def claim_owned() -> bool:
            found = core.read_namespaced_persistent_volume_claim("data-demo-postgres-0", NAMESPACE)
            return owned_by_stack(found)

        eventually(claim_owned)
        stacks(api).delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "demo")
        eventually(lambda: not apps.list_namespaced_deployment(NAMESPACE).items, timeout=120)
        eventually(
            lambda: (
                not core.list_namespaced_config_map(
                    NAMESPACE, label_selector="app.kubernetes.io/instance=demo"
                ).items
            ),
            timeout=120,
        )
        # A claim being deleted may linger on its protection finalizer; it must be going.
        eventually(
            lambda: all(
                c.metadata and c.metadata.deletion_timestamp
                for c in core.list_namespaced_persistent_volume_claim(NAMESPACE).items
            ),
            timeout=30,
        )
    assert runner.exit_code == 0, runner.output
    assert runner.exception is None
