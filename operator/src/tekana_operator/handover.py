"""Handing a Deployment's replicas to its autoscaler without a moment at one replica."""

from typing import Any

from tekana_operator.cluster import FIELD_MANAGER, Cluster

# Holds a Deployment's replicas between the operator letting go and the autoscaler.
HANDOVER_MANAGER = "tekana-operator-handover-to-autoscaler"


def hand_replicas_over(cluster: Cluster, manifest: dict[str, Any]) -> None:
    """Before the operator's apply stops naming a Deployment's replicas: a field that its
    last owner stops applying is removed (the Deployment would fall back to 1 replica), so
    while the operator still owns them, another manager applies the current count too,
    and keeps it after the operator lets go (server-side apply's ownership transfer)."""
    meta = manifest["metadata"]
    live = cluster.get("apps/v1", "Deployment", meta["name"], meta["namespace"])
    if live is None or not owns_replicas(live, FIELD_MANAGER):
        return
    cluster.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
            "spec": {"replicas": live["spec"]["replicas"]},
        },
        field_manager=HANDOVER_MANAGER,
    )


def owns_replicas(deployment: dict[str, Any], manager: str) -> bool:
    for entry in deployment["metadata"].get("managedFields") or []:
        fields = entry.get("fieldsV1") or {}
        if entry.get("manager") == manager and "f:replicas" in fields.get("f:spec", {}):
            return True
    return False
