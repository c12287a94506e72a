"""The cluster's storage: a node has no volume provisioner of its own, so this loop gives
each pending claim a hostPath volume under the state directory, bound to that claim
alone, and deletes the volume and its files once the claim is gone (reclaim policy
``Delete``; a claim that should outlive its workload is simply not deleted). It is the
default StorageClass's (``tekana-hostpath``), which allows expansion: a claim asking for
more is given it, as a CSI resizer would (a directory has no size to change)."""

import argparse
import contextlib
import shutil
import time
from pathlib import Path
from typing import Any

from tekana_devstack.cluster.api import ApiError, call, get
from tekana_devstack.cluster.layout import Network, State
from tekana_operator.volumes import size_in_bytes

POLL_SECONDS = 1.0
PROVISIONER = "tekana.local/hostpath"
STORAGE_CLASS = "tekana-hostpath"


def storage_class() -> dict[str, Any]:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": STORAGE_CLASS,
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
        "allowVolumeExpansion": True,
    }


def volume_for(claim: dict[str, Any], directory: Path) -> dict[str, Any]:
    """The PersistentVolume that answers ``claim``, its files in ``directory``."""
    meta, spec = claim["metadata"], claim["spec"]
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": f"pvc-{meta['uid']}",
            "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER},
        },
        "spec": {
            "capacity": {"storage": spec["resources"]["requests"]["storage"]},
            "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": spec.get("storageClassName") or "",
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
            },
            "hostPath": {"path": str(directory), "type": "Directory"},
        },
    }


def pending(claims: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The claims that wait for a volume nobody has made yet."""
    answered = {v["spec"].get("claimRef", {}).get("uid") for v in volumes}
    return [
        c
        for c in claims
        if not c["spec"].get("volumeName")
        and c.get("status", {}).get("phase") == "Pending"
        and c["metadata"]["uid"] not in answered
    ]


def outgrown(
    claims: list[dict[str, Any]], volumes: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(claim, its volume of ours) where the claim asks for more than it has."""
    ours = {
        v["metadata"]["name"]: v
        for v in volumes
        if v["metadata"].get("annotations", {}).get("pv.kubernetes.io/provisioned-by")
        == PROVISIONER
    }
    found = []
    for claim in claims:
        volume = ours.get(claim["spec"].get("volumeName") or "")
        if volume is None or claim.get("status", {}).get("phase") != "Bound":
            continue
        requested = claim["spec"]["resources"]["requests"]["storage"]
        has = (claim.get("status", {}).get("capacity") or {}).get("storage", requested)
        if size_in_bytes(requested) > size_in_bytes(has):
            found.append((claim, volume))
    return found


def released(volumes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our volumes whose claim is gone."""
    return [
        v
        for v in volumes
        if v["metadata"].get("annotations", {}).get("pv.kubernetes.io/provisioned-by")
        == PROVISIONER
        and v.get("status", {}).get("phase") in ("Released", "Failed")
    ]


def reconcile(network: Network, state: State) -> None:
    classes = get(network, state, "/apis/storage.k8s.io/v1/storageclasses")["items"]
    if STORAGE_CLASS not in {c["metadata"]["name"] for c in classes}:
        call(network, state, "POST", "/apis/storage.k8s.io/v1/storageclasses", storage_class())
    claims = get(network, state, "/api/v1/persistentvolumeclaims")["items"]
    volumes = get(network, state, "/api/v1/persistentvolumes")["items"]
    for claim in pending(claims, volumes):
        directory = state.path("volumes", claim["metadata"]["uid"])
        directory.mkdir(parents=True, exist_ok=True)
        # Pods run as users of their own: hostPath has no fsGroup ownership, so anyone
        # may write here (the directory is inside the cluster's own state).
        directory.chmod(0o777)
        call(network, state, "POST", "/api/v1/persistentvolumes", volume_for(claim, directory))
    for claim, volume in outgrown(claims, volumes):
        size = claim["spec"]["resources"]["requests"]["storage"]
        meta = claim["metadata"]
        call(network, state, "PATCH", f"/api/v1/persistentvolumes/{volume['metadata']['name']}",
             {"spec": {"capacity": {"storage": size}}})  # fmt: skip
        call(network, state, "PATCH",
             f"/api/v1/namespaces/{meta['namespace']}/persistentvolumeclaims/{meta['name']}/status",
             {"status": {"capacity": {"storage": size}, "conditions": None}})  # fmt: skip
    for volume in released(volumes):
        shutil.rmtree(volume["spec"]["hostPath"]["path"], ignore_errors=True)
        call(network, state, "DELETE", f"/api/v1/persistentvolumes/{volume['metadata']['name']}")


def follow(network: Network, state: State) -> None:
    while True:
        # The API server may be starting or stopping: the next round retries.
        with contextlib.suppress(ApiError):
            reconcile(network, state)
        time.sleep(POLL_SECONDS)


def run(args: argparse.Namespace) -> int:
    follow(Network(args.index), State(args.state) if args.state else State.default())
    return 0
