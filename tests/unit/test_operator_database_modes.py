"""The database modes: dev (one pod of the operator's, warned of outside development),
cloudnative-pg (a CloudNativePG cluster, checked against its real CRDs) and external."""

from typing import Any

import jsonschema
import pytest

from tekana_customer.settings import CustomerSettings
from tekana_operator import cnpg, resources
from tekana_operator.network import ApiVersions
from tekana_operator.reconcile import DEV_DATABASE_WARNING
from tekana_operator.stack import parse
from tekana_operator.status import Observed, compute
from tekana_transaction.settings import TransactionSettings
from tekana_wallet.settings import WalletSettings
from tests.support.k8s import CLOUDNATIVE_PG_CRDS, crd_schema, stack_body, third_party_crd

WITH_CNPG = ApiVersions(cloudnative_pg=True)
BACKED_UP = {
    "database": {
        "mode": "cloudnative-pg",
        "cloudnativePG": {
            "instances": 3,
            "storageSize": "50Gi",
            "backup": {
                "destinationPath": "s3://tekana-backups/prod",
                "endpointURL": "https://objects.internal",
                "s3CredentialsSecret": "backup-credentials",
            },
        },
    }
}
FILES = {
    "Cluster": "postgresql.cnpg.io_clusters.yaml",
    "Database": "postgresql.cnpg.io_databases.yaml",
    "ScheduledBackup": "postgresql.cnpg.io_scheduledbackups.yaml",
}


def children(spec: dict[str, Any], versions: ApiVersions = WITH_CNPG) -> list[dict[str, Any]]:
    return resources.every_child(parse(stack_body(spec)), versions)


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


@pytest.mark.parametrize("kind", FILES)
def test_what_cloudnative_pg_mode_renders_fits_cloudnative_pg_s_real_crds(kind: str) -> None:
    found = of_kind(children(BACKED_UP), kind)
    assert found
    # Not checked as a schema itself: its patterns are Go's.
    schema = crd_schema(third_party_crd(CLOUDNATIVE_PG_CRDS / FILES[kind]))
    for manifest in found:
        jsonschema.Draft7Validator(schema).validate(manifest)


def test_the_cluster_commits_synchronously_and_backs_up_when_told_where() -> None:
    (cluster,) = of_kind(children(BACKED_UP), "Cluster")
    spec = cluster["spec"]
    assert spec["instances"] == 3
    assert spec["postgresql"]["synchronous"] == {
        "method": "any",
        "number": 1,
        "dataDurability": "required",
    }
    assert spec["storage"] == {"size": "50Gi"}
    assert spec["enableSuperuserAccess"] is False
    store = spec["backup"]["barmanObjectStore"]
    assert store["destinationPath"] == "s3://tekana-backups/prod"
    assert store["s3Credentials"]["accessKeyId"]["name"] == "backup-credentials"
    (backup,) = of_kind(children(BACKED_UP), "ScheduledBackup")
    assert backup["spec"]["cluster"] == {"name": "prod-pg"}
    one = {"database": {"mode": "cloudnative-pg", "cloudnativePG": {"instances": 1}}}
    (single,) = of_kind(children(one), "Cluster")
    assert "postgresql" not in single["spec"]  # no standby to wait for
    assert not of_kind(children(one), "ScheduledBackup")


def test_each_service_gets_its_own_database_owned_by_the_application_role() -> None:
    names = {d["spec"]["name"]: d["spec"] for d in of_kind(children(BACKED_UP), "Database")}
    assert set(names) == {
        CustomerSettings.model_fields["database_name"].default,
        WalletSettings.model_fields["database_name"].default,
        TransactionSettings.model_fields["database_name"].default,
    }
    for spec in names.values():
        assert (spec["owner"], spec["databaseReclaimPolicy"]) == (cnpg.OWNER, "retain")


def test_the_services_and_migrations_reach_the_primary_with_the_app_secret() -> None:
    objects = children(BACKED_UP)
    readers = {"prod-customer", "prod-wallet", "prod-transaction"}
    pods = [
        o["spec"]["template"]["spec"]
        for o in objects
        if o["kind"] == "Job" or (o["kind"] == "Deployment" and o["metadata"]["name"] in readers)
    ]
    references = [
        e["valueFrom"]["secretKeyRef"]
        for pod in pods
        for container in [*pod.get("initContainers", []), *pod["containers"]]
        for e in container["env"]
        if e["name"] == "TEKANA_DATABASE_URL"
    ]
    assert len(references) == 6  # three services, three migration steps
    assert all(r == {"name": "prod-pg-app", "key": "uri"} for r in references)
    assert not of_kind(objects, "StatefulSet")
    assert "prod-db" not in {o["metadata"]["name"] for o in of_kind(objects, "Secret")}


def test_a_kept_cluster_has_no_owner_and_one_not_kept_is_the_stack_s() -> None:
    (kept,) = of_kind(children(BACKED_UP), "Cluster")
    assert "ownerReferences" not in kept["metadata"]
    dropped = {"database": {"mode": "cloudnative-pg", "cloudnativePG": {"retainOnDelete": False}}}
    (owned,) = of_kind(children(dropped), "Cluster")
    assert owned["metadata"]["ownerReferences"][0]["uid"] == "uid-1"


def test_nothing_of_cloudnative_pg_is_rendered_where_it_is_not_installed() -> None:
    assert not [o for o in children(BACKED_UP, ApiVersions()) if "cnpg" in o["apiVersion"]]


def _production_ready(observed: Observed) -> dict[str, Any]:
    status = compute(observed, generation=1, gateway_url="", previous={})
    (condition,) = [c for c in status["conditions"] if c["type"] == "ProductionReady"]
    return dict(condition)


def test_a_development_database_is_warned_of_and_nothing_else_is() -> None:
    warned = _production_ready(Observed({}, True, warning=DEV_DATABASE_WARNING))
    assert (warned["status"], warned["reason"]) == ("False", "DevelopmentDatabase")
    assert "spec.database.mode" in warned["message"]
    assert _production_ready(Observed({}, True))["status"] == "True"
    # dev and its earlier name are one mode.
    assert parse(stack_body({"database": {"mode": "managed"}})).database.dev
    assert parse(stack_body({})).database.dev
