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


def database_claim(stack: str, storage_class: str | None = None) -> client.V1PersistentVolumeClaim:
    """The claim the StatefulSet controller (not run here) makes for a stack's database."""
    return client.V1PersistentVolumeClaim(
        metadata=client.V1ObjectMeta(
            name=f"data-{stack}-postgres-0",
            labels={
                "app.kubernetes.io/instance": stack,
                "app.kubernetes.io/component": "database",
            },
        ),
        spec=client.V1PersistentVolumeClaimSpec(
            access_modes=["ReadWriteOnce"],
            storage_class_name=storage_class,
            resources=client.V1VolumeResourceRequirements(requests={"storage": "1Gi"}),
        ),
    )


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
        # The keys that seal national ids stay with the data (kept by default), not the stack.
        eventually(
            lambda: (
                not owned_by_stack(core.read_namespaced_secret("demo-national-id-keys", NAMESPACE))
            )
        )
        assert owned(network.read_namespaced_ingress("demo-gateway", NAMESPACE))
        found_policies: Any = network.list_namespaced_network_policy(NAMESPACE).items
        policies = {p.metadata.name for p in found_policies}
        assert {"demo-deny-all", "demo-allow-metrics", "demo-allow-redis"} <= policies
        assert len(policies) == 8
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
        eventually(
            lambda: status()["status"]["observedGeneration"] == status()["metadata"]["generation"]
        )
        # Handed over, not dropped: the gateway keeps its 4 replicas until the autoscaler
        # acts (a field its last applier stops naming would be removed, falling back to 1).
        time.sleep(2)
        assert apps.read_namespaced_deployment("demo-gateway", NAMESPACE).spec.replicas == 4
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
        core.create_namespaced_persistent_volume_claim(NAMESPACE, database_claim("demo"))
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
            keys = core.read_namespaced_secret("demo-national-id-keys", NAMESPACE)
            return owned_by_stack(found) and owned_by_stack(keys)

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


def _conditions(api_client: client.ApiClient, name: str) -> dict[str, Any]:
    found: Any = stacks(api_client).get_namespaced_custom_object(
        GROUP, VERSION, NAMESPACE, PLURAL, name
    )
    return {c["type"]: c for c in (found.get("status") or {}).get("conditions") or []}


def status_of(api_client: client.ApiClient, name: str) -> dict[str, Any]:
    found: Any = stacks(api_client).get_namespaced_custom_object(
        GROUP, VERSION, NAMESPACE, PLURAL, name
    )
    return dict(found.get("status") or {})


def generation(api_client: client.ApiClient, name: str) -> int:
    found: Any = stacks(api_client).get_namespaced_custom_object(
        GROUP, VERSION, NAMESPACE, PLURAL, name
    )
    return int(found["metadata"]["generation"])


def _migrations_succeed(api_client: client.ApiClient, name: str) -> None:
    """No kubelet here: play its part for every migration Job of the stack."""
    batch: Any = client.BatchV1Api(api_client)
    selector = f"app.kubernetes.io/instance={name}"
    for job in batch.list_namespaced_job(NAMESPACE, label_selector=selector).items:
        if not (job.status and job.status.succeeded):
            batch.patch_namespaced_job_status(
                job.metadata.name, NAMESPACE, {"status": {"succeeded": 1}}
            )


def test_spec_edits_are_applied_or_refused_by_field_and_never_wedge(
    api: client.ApiClient,
) -> None:
    apps: Any = client.AppsV1Api(api)
    core: Any = client.CoreV1Api(api)
    client.StorageV1Api(api).create_storage_class(
        client.V1StorageClass(
            metadata=client.V1ObjectMeta(name="expandable"),
            provisioner="tekana.test/none",
            allow_volume_expansion=True,
        )
    )
    managed = {"storageSize": "1Gi", "storageClassName": "expandable"}
    with KopfRunner(
        ["run", "--standalone", "--namespace", NAMESPACE, "-m", "tekana_operator.handlers"],
        timeout=120,
    ) as runner:
        new_stack(
            api,
            "edits",
            {
                "components": {"gateway": {"replicas": 1}},
                "database": {"mode": "managed", "managed": managed},
            },
        )
        first = eventually(lambda: apps.read_namespaced_stateful_set("edits-postgres", NAMESPACE))
        # What the StatefulSet controller and a provisioner would do: a claim, bound.
        core.create_namespaced_persistent_volume_claim(
            NAMESPACE, database_claim("edits", storage_class="expandable")
        )
        core.patch_namespaced_persistent_volume_claim_status(
            "data-edits-postgres-0", NAMESPACE, {"status": {"phase": "Bound"}}
        )

        def gateway() -> Any:
            _migrations_succeed(api, "edits")
            return apps.read_namespaced_deployment("edits-gateway", NAMESPACE)

        eventually(gateway)

        # Storage, resources, pull policy and image in one edit: each is applied. The
        # claim grows and the StatefulSet is made again around it (its template cannot
        # change in place); the Deployments roll once the new release has migrated.
        patch(
            api,
            "edits",
            {
                "spec": {
                    "image": {"tag": "0.2.0", "pullPolicy": "Always"},
                    "components": {"gateway": {"resources": {"limits": {"cpu": "2"}}}},
                    "database": {"managed": {"storageSize": "2Gi"}},
                }
            },
        )

        def edited() -> bool:
            container = gateway().spec.template.spec.containers[0]
            return bool(
                container.image.endswith(":0.2.0")
                and container.image_pull_policy == "Always"
                and container.resources.limits["cpu"] == "2"
            )

        eventually(edited)
        claim = core.read_namespaced_persistent_volume_claim("data-edits-postgres-0", NAMESPACE)
        assert claim.spec.resources.requests["storage"] == "2Gi"
        remade = eventually(
            lambda: (
                (found := apps.read_namespaced_stateful_set("edits-postgres", NAMESPACE))
                .spec.volume_claim_templates[0]
                .spec.resources.requests["storage"]
                == "2Gi"
                and found
            )
        )
        assert remade.metadata.uid != first.metadata.uid
        assert _conditions(api, "edits")["Degraded"]["status"] == "False"

        # A volume cannot shrink: refused, naming the field, Degraded, and one Event that
        # counts each resync meeting it again, while the rest of the edit is applied.
        patch(
            api,
            "edits",
            {
                "spec": {
                    "components": {"gateway": {"resources": {"limits": {"cpu": "3"}}}},
                    "database": {"managed": {"storageSize": "512Mi"}},
                }
            },
        )
        refusal = "spec.database.managed.storageSize: 512Mi is smaller than the volume's 2Gi"
        degraded = eventually(
            lambda: (found := _conditions(api, "edits")["Degraded"])["status"] == "True" and found
        )
        assert degraded["message"].startswith(refusal)
        eventually(
            lambda: gateway().spec.template.spec.containers[0].resources.limits["cpu"] == "3"
        )
        sts = apps.read_namespaced_stateful_set("edits-postgres", NAMESPACE)
        assert sts.spec.volume_claim_templates[0].spec.resources.requests["storage"] == "2Gi"

        def refused_events() -> list[Any]:
            return [
                e
                for e in core.list_namespaced_event(NAMESPACE).items
                if e.reason == "Refused" and (e.message or "").startswith(refusal)
            ]

        (event,) = eventually(lambda: [e for e in refused_events() if e.count >= 2])
        assert event.type == "Warning"
        assert event.involved_object.name == "edits"
        assert len(refused_events()) == 1

        # Back to a size it can have: nothing is refused any more.
        patch(api, "edits", {"spec": {"database": {"managed": {"storageSize": "2Gi"}}}})
        eventually(lambda: _conditions(api, "edits")["Degraded"]["status"] == "False")

        # To an external database: the managed one goes, the services point at the
        # given secret, and the stack is ready again.
        core.create_namespaced_secret(
            NAMESPACE,
            client.V1Secret(
                metadata=client.V1ObjectMeta(name="edits-external-db"),
                string_data={"url": "postgres://tekana:pw@db.example.internal:5432"},
            ),
        )
        patch(
            api,
            "edits",
            {
                "spec": {
                    "database": {
                        "mode": "external",
                        "external": {"secretName": "edits-external-db"},
                    }
                }
            },
        )
        eventually(
            lambda: (
                not apps.list_namespaced_stateful_set(
                    NAMESPACE, label_selector="app.kubernetes.io/instance=edits"
                ).items
            )
        )
        eventually(
            lambda: (
                status_of(api, "edits")["observedGeneration"] == generation(api, "edits")
                and _conditions(api, "edits")["Degraded"]["status"] == "False"
            )
        )
        stacks(api).delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "edits")
    assert runner.exit_code == 0, runner.output
    assert runner.exception is None


def test_the_same_event_again_is_counted_not_repeated(api: client.ApiClient) -> None:
    from tekana_operator.cluster import Cluster

    reference = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "TekanaStack",
        "name": "counted",
        "namespace": NAMESPACE,
        "uid": "5b0c6f4e-0000-4000-8000-000000000001",
    }
    cluster = Cluster(lambda: api)
    for _ in range(3):
        cluster.event(reference, reason="Refused", message="spec.x: no", warning=True)
    cluster.event(reference, reason="Refused", message="spec.y: no", warning=True)
    found = [
        e
        for e in client.CoreV1Api(api).list_namespaced_event(NAMESPACE).items
        if e.involved_object.name == "counted"
    ]
    assert sorted((e.message, e.count) for e in found) == [("spec.x: no", 3), ("spec.y: no", 1)]


def test_certificates_are_issued_once_and_renewed_when_due_with_a_roll(
    api: client.ApiClient,
) -> None:
    import base64

    from tekana_operator import certificates, tls
    from tekana_operator.certificates import Pem
    from tekana_operator.reconcile import INPUTS_ANNOTATION
    from tekana_operator.stack import parse

    apps: Any = client.AppsV1Api(api)
    core: Any = client.CoreV1Api(api)

    def pem(secret: Any, key: str) -> str:
        return base64.b64decode(secret.data[key]).decode()

    with KopfRunner(
        ["run", "--standalone", "--namespace", NAMESPACE, "-m", "tekana_operator.handlers"],
        timeout=120,
    ) as runner:
        created = new_stack(api, "certs", {"components": {"gateway": {"replicas": 1}}})

        def wallet() -> Any:
            _migrations_succeed(api, "certs")
            return apps.read_namespaced_deployment("certs-wallet", NAMESPACE)

        before = eventually(wallet).spec.template.metadata.annotations[INPUTS_ANNOTATION]
        authority_secret = core.read_namespaced_secret("certs-ca", NAMESPACE)
        authority = Pem(pem(authority_secret, "tls.crt"), pem(authority_secret, "tls.key"))
        stack = parse(created)
        issued = {}
        for component in ("gateway", "customer", "wallet", "transaction"):
            secret = core.read_namespaced_secret(f"certs-{component}-tls", NAMESPACE)
            assert pem(secret, "ca.crt") == authority.certificate
            names = tls.dns_names(stack, component)
            assert not certificates.due(pem(secret, "tls.crt"), authority, names)
            issued[component] = secret.metadata.resource_version

        # A resync leaves good certificates alone.
        time.sleep(3)
        for component, version in issued.items():
            secret = core.read_namespaced_secret(f"certs-{component}-tls", NAMESPACE)
            assert secret.metadata.resource_version == version

        # One near its end is issued again, and the pods that read it roll.
        names = tls.dns_names(stack, "wallet")
        ending = certificates.issue(authority, "certs-wallet", names, server=True, days=10)
        core.patch_namespaced_secret(
            "certs-wallet-tls",
            NAMESPACE,
            {"data": {"tls.crt": base64.b64encode(ending.certificate.encode()).decode()}},
        )
        renewed = eventually(
            lambda: (
                not certificates.due(
                    pem(found := core.read_namespaced_secret("certs-wallet-tls", NAMESPACE),
                        "tls.crt"),
                    authority,
                    names,
                )
                and found
            )
        )  # fmt: skip
        assert pem(renewed, "tls.crt") != ending.certificate
        eventually(lambda: wallet().spec.template.metadata.annotations[INPUTS_ANNOTATION] != before)
        # The authority itself is made once.
        assert (
            core.read_namespaced_secret("certs-ca", NAMESPACE).metadata.resource_version
            == authority_secret.metadata.resource_version
        )
        stacks(api).delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "certs")
    assert runner.exit_code == 0, runner.output
    assert runner.exception is None


def test_cloudnative_pg_and_the_prometheus_operator_are_used_once_their_crds_are_served(
    api: client.ApiClient,
) -> None:
    from tests.support.k8s import (
        CLOUDNATIVE_PG_CRDS,
        PROMETHEUS_OPERATOR_CRDS,
        for_old_servers,
        third_party_crd,
    )

    apps: Any = client.AppsV1Api(api)
    custom = stacks(api)
    spec = {
        "components": {"gateway": {"replicas": 1}},
        "database": {
            "mode": "cloudnative-pg",
            "cloudnativePG": {
                "instances": 3,
                "backup": {"destinationPath": "s3://backups/pg", "s3CredentialsSecret": "s3"},
            },
        },
    }
    with KopfRunner(
        ["run", "--standalone", "--namespace", NAMESPACE, "-m", "tekana_operator.handlers"],
        timeout=120,
    ) as runner:
        new_stack(api, "ha", spec)
        # Not installed yet: refused by field, and nothing else of the stack waits for it.
        degraded = eventually(
            lambda: (
                (found := _conditions(api, "ha").get("Degraded", {})).get("status") == "True"
                and found
            )
        )
        assert degraded["message"].startswith("spec.database.mode: cloudnative-pg needs")
        assert client.CoreV1Api(api).read_namespaced_config_map("ha-config", NAMESPACE)

        extensions: Any = client.ApiextensionsV1Api(api)
        for path in [
            # Not the Pooler's, which the stack does not use (and this server refuses).
            *(
                CLOUDNATIVE_PG_CRDS / f"postgresql.cnpg.io_{kind}.yaml"
                for kind in ("clusters", "databases", "scheduledbackups")
            ),
            *sorted(PROMETHEUS_OPERATOR_CRDS.glob("*.yaml")),
        ]:
            extensions.create_custom_resource_definition(for_old_servers(third_party_crd(path)))
        patch(api, "ha", {"spec": {"tracing": {"samplingRatio": 0.2}}})  # any reconcile

        def listed(group: str, plural: str) -> list[dict[str, Any]]:
            found: Any = custom.list_namespaced_custom_object(group, "v1", NAMESPACE, plural)
            return [i for i in found["items"] if i["metadata"]["name"].startswith("ha-")]

        (cluster,) = eventually(lambda: listed("postgresql.cnpg.io", "clusters"), timeout=60)
        assert cluster["spec"]["postgresql"]["synchronous"]["number"] == 1
        assert not cluster["metadata"].get("ownerReferences")  # kept with its data
        databases = eventually(lambda: len(listed("postgresql.cnpg.io", "databases")) == 3)
        assert databases
        assert eventually(lambda: listed("postgresql.cnpg.io", "scheduledbackups"))
        (rule,) = eventually(lambda: listed("monitoring.coreos.com", "prometheusrules"))
        assert rule["spec"]["groups"]
        assert eventually(lambda: listed("monitoring.coreos.com", "podmonitors"))
        eventually(lambda: _conditions(api, "ha")["Degraded"]["status"] == "False")
        # No development database here, so nothing to warn of.
        assert _conditions(api, "ha")["ProductionReady"]["status"] == "True"
        assert not apps.list_namespaced_stateful_set(
            NAMESPACE, label_selector="app.kubernetes.io/instance=ha"
        ).items

        def wallet_database() -> Any:
            _migrations_succeed(api, "ha")
            deployment = apps.read_namespaced_deployment("ha-wallet", NAMESPACE)
            env = {e.name: e for e in deployment.spec.template.spec.containers[0].env}
            return env["TEKANA_DATABASE_URL"].value_from.secret_key_ref

        reference = eventually(wallet_database)
        assert (reference.name, reference.key) == ("ha-pg-app", "uri")

        # A development database outside development is warned of.
        new_stack(api, "laptop", {"components": {"gateway": {"replicas": 1}}})
        warned = eventually(
            lambda: (
                (found := _conditions(api, "laptop").get("ProductionReady", {})).get("status")
                == "False"
                and found
            )
        )
        assert warned["reason"] == "DevelopmentDatabase"
        patch(api, "laptop", {"spec": {"environment": "development"}})
        eventually(lambda: _conditions(api, "laptop")["ProductionReady"]["status"] == "True")
        for name in ("ha", "laptop"):
            custom.delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, name)
    assert runner.exit_code == 0, runner.output
    assert runner.exception is None
