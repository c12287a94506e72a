"""The stack's data: who owns the database's volume and the national-id keys, and growing
the volume when ``spec.database.managed.storageSize`` grows. A StatefulSet's volume claim
template cannot be changed, so a new size grows each claim and the StatefulSet is made
again around the running pod (deleted with its pod orphaned, then applied)."""

import time
from decimal import Decimal
from typing import Any

from kubernetes.client.exceptions import ApiException
from kubernetes.utils import quantity

from tekana_operator.cluster import Cluster, refusal
from tekana_operator.config import NATIONAL_ID_KEYS
from tekana_operator.database import DATA_VOLUME
from tekana_operator.meta import GROUP_VERSION, KIND
from tekana_operator.stack import Stack

FIELD = "spec.database.managed.storageSize"
# How long a reconcile waits for the StatefulSet deleted around its pod to be gone; past
# it, the StatefulSet's own deletion event reconciles again.
RECREATE_WAIT_SECONDS = 15.0


def _selector(stack: Stack) -> str:
    return f"app.kubernetes.io/instance={stack.name},app.kubernetes.io/component=database"


def own_the_data(cluster: Cluster, stack: Stack) -> None:
    """What holds the stack's data, and what reading it needs: the database's claims (which
    the StatefulSet's template makes without an owner) and the keys that seal national ids.
    When the data outlives the stack they have no owner, so a stack made again over them
    reads what it wrote (new keys could open none of it); otherwise the stack owns them and
    garbage collection deletes them with it."""
    owner = {"apiVersion": GROUP_VERSION, "kind": KIND, "name": stack.name, "uid": stack.uid}
    found = []
    if stack.database.dev:
        claims = cluster.list("v1", "PersistentVolumeClaim", stack.namespace, _selector(stack))
        found += [("PersistentVolumeClaim", c) for c in claims]
    keys = cluster.get("v1", "Secret", stack.child(NATIONAL_ID_KEYS), stack.namespace)
    found += [("Secret", keys)] if keys else []
    for kind, held in found:
        meta = held["metadata"]
        others = [r for r in meta.get("ownerReferences") or [] if r.get("uid") != stack.uid]
        wanted = others if stack.database.outlives_the_stack else [*others, owner]
        if wanted != (meta.get("ownerReferences") or []):
            patch = {"metadata": {"ownerReferences": wanted or None}}
            cluster.patch("v1", kind, meta["name"], stack.namespace, patch)


def size_in_bytes(size: str) -> Decimal:
    """A Kubernetes quantity (``10Gi``, ``512Mi``) in bytes."""
    parsed: Decimal = quantity.parse_quantity(size)  # type: ignore[no-untyped-call]
    return parsed


def _template_size(statefulset: dict[str, Any]) -> str:
    for claim in statefulset["spec"].get("volumeClaimTemplates") or []:
        if claim["metadata"]["name"] == DATA_VOLUME:
            return str(claim["spec"]["resources"]["requests"]["storage"])
    return ""


def _set_template_size(manifest: dict[str, Any], size: str) -> None:
    for claim in manifest["spec"]["volumeClaimTemplates"]:
        if claim["metadata"]["name"] == DATA_VOLUME:
            claim["spec"]["resources"]["requests"]["storage"] = size


def resize(cluster: Cluster, stack: Stack, manifest: dict[str, Any]) -> tuple[bool, str]:
    """Before the database's StatefulSet ``manifest`` is applied: grow the volume to the
    spec's size if it changed. (whether to apply the manifest now, a refusal naming the
    field or ''). A refused size leaves the manifest at the size the StatefulSet has, so
    the rest of it is still applied."""
    name = manifest["metadata"]["name"]
    live = cluster.get("apps/v1", "StatefulSet", name, stack.namespace)
    current = _template_size(live) if live else ""
    wanted = stack.database.storage_size
    if not current or size_in_bytes(current) == size_in_bytes(wanted):
        return True, ""
    if size_in_bytes(wanted) < size_in_bytes(current):
        _set_template_size(manifest, current)
        return (
            True,
            f"{FIELD}: {wanted} is smaller than the volume's {current}; a volume cannot shrink",
        )
    for claim in cluster.list("v1", "PersistentVolumeClaim", stack.namespace, _selector(stack)):
        requested = claim["spec"]["resources"]["requests"]["storage"]
        if size_in_bytes(requested) >= size_in_bytes(wanted):
            continue
        try:
            cluster.patch(
                "v1",
                "PersistentVolumeClaim",
                claim["metadata"]["name"],
                stack.namespace,
                {"spec": {"resources": {"requests": {"storage": wanted}}}},
            )
        except ApiException as exc:
            if exc.status not in (403, 422):
                raise
            _set_template_size(manifest, current)
            return True, f"{FIELD}: the volume cannot grow to {wanted}: {refusal(exc)}"
    # The pod keeps running: orphaned, it is adopted by the StatefulSet applied next.
    cluster.delete("apps/v1", "StatefulSet", name, stack.namespace, propagation="Orphan")
    deadline = time.monotonic() + RECREATE_WAIT_SECONDS
    while time.monotonic() < deadline:
        if cluster.get("apps/v1", "StatefulSet", name, stack.namespace) is None:
            return True, ""
        time.sleep(0.5)
    return False, ""
