"""The Kubernetes API as the operator uses it: discovery, server-side apply, create-once."""

import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import NotFoundError, ResourceNotFoundError

from tekana_operator.network import ApiVersions

FIELD_MANAGER = "tekana-operator"
# How long what the cluster serves is taken as known (CRDs installed are seen after it).
VERSIONS_SECONDS = 30.0


def load_config() -> None:
    """In a pod, the service account; elsewhere, the kubeconfig (KUBECONFIG)."""
    try:
        config.load_incluster_config()
    except ConfigException:
        # Read KUBECONFIG now: the library captured its default when it was imported.
        config.load_kube_config(config_file=os.environ.get("KUBECONFIG"))


def refusal(exc: ApiException) -> str:
    """What the API server said about a request it refused: its message names the object
    and the field (``StatefulSet.apps "x" is invalid: spec: Forbidden: ...``)."""
    try:
        message = json.loads(exc.body or "{}").get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message or f"{exc.status} {exc.reason}")


class Cluster:
    """The API through clients of each thread's own: kopf runs handlers on several threads,
    and a dynamic client's discovery cache, refreshed by one while another reads it, fails
    the reader."""

    def __init__(self, make_api: Callable[[], client.ApiClient] = client.ApiClient) -> None:
        self._make_api = make_api
        self._local = threading.local()
        self._versions: tuple[float, ApiVersions] | None = None

    @property
    def _dynamic(self) -> DynamicClient:
        found: DynamicClient | None = getattr(self._local, "dynamic", None)
        if found is None:
            # Its discovery cache in a file of its own: the default one is shared by every
            # client of the process, and one thread reads it while another rewrites it.
            cache = Path(tempfile.gettempdir()) / (
                f"tekana-operator-discovery-{os.getpid()}-{threading.get_ident()}.json"
            )
            found = self._local.dynamic = DynamicClient(self._make_api(), cache_file=str(cache))
        return found

    def _resource(self, api_version: str, kind: str) -> Any:
        return self._dynamic.resources.get(api_version=api_version, kind=kind)

    def versions(self) -> ApiVersions:
        """autoscaling/v2 and policy/v1 where served, their predecessors on older clusters;
        whether the Prometheus Operator's and CloudNativePG's kinds are. Asked again after
        VERSIONS_SECONDS: a kind not served makes the client read the whole discovery
        again, which every reconcile need not pay for."""
        found = self._versions
        if found is not None and time.monotonic() - found[0] < VERSIONS_SECONDS:
            return found[1]
        versions = self._ask_versions()
        self._versions = (time.monotonic(), versions)
        return versions

    def _ask_versions(self) -> ApiVersions:
        return ApiVersions(
            autoscaling=self._first_served(
                "HorizontalPodAutoscaler", ["autoscaling/v2", "autoscaling/v2beta2"]
            ),
            disruption_budget=self._first_served(
                "PodDisruptionBudget", ["policy/v1", "policy/v1beta1"]
            ),
            prometheus_operator=all(
                self._served("monitoring.coreos.com/v1", kind)
                for kind in ("PodMonitor", "PrometheusRule")
            ),
            cloudnative_pg=all(
                self._served("postgresql.cnpg.io/v1", kind)
                for kind in ("Cluster", "Database", "ScheduledBackup")
            ),
        )

    def _served(self, api_version: str, kind: str) -> bool:
        try:
            self._resource(api_version, kind)
        except ResourceNotFoundError:
            return False
        return True

    def _first_served(self, kind: str, candidates: list[str]) -> str:
        return next((v for v in candidates if self._served(v, kind)), candidates[0])

    def apply(self, manifest: dict[str, Any], *, field_manager: str = FIELD_MANAGER) -> None:
        """Server-side apply: creates the object, or brings the fields we own back to spec."""
        meta = manifest["metadata"]
        self._resource(manifest["apiVersion"], manifest["kind"]).server_side_apply(
            body=manifest,
            name=meta["name"],
            namespace=meta.get("namespace"),
            field_manager=field_manager,
            force_conflicts=True,
        )

    def create_once(self, manifest: dict[str, Any]) -> bool:
        """Create ``manifest`` unless an object of that name exists; True if created."""
        meta = manifest["metadata"]
        try:
            self._resource(manifest["apiVersion"], manifest["kind"]).create(
                body=manifest, namespace=meta.get("namespace")
            )
        except ApiException as exc:
            if exc.status == 409:
                return False
            raise
        return True

    def get(self, api_version: str, kind: str, name: str, namespace: str) -> dict[str, Any] | None:
        try:
            found = self._resource(api_version, kind).get(name=name, namespace=namespace)
        except NotFoundError:
            return None
        result: dict[str, Any] = found.to_dict()
        return result

    def patch(self, api_version: str, kind: str, name: str, namespace: str, body: Any) -> None:
        """A JSON merge patch of the object (``metadata``, ``spec``...)."""
        self._resource(api_version, kind).patch(
            name=name, namespace=namespace, body=body, content_type="application/merge-patch+json"
        )

    def patch_status(
        self, api_version: str, kind: str, name: str, namespace: str, status: dict[str, Any]
    ) -> None:
        self._resource(api_version, kind).status.patch(
            name=name,
            namespace=namespace,
            body={"status": status},
            content_type="application/merge-patch+json",
        )

    def list(
        self, api_version: str, kind: str, namespace: str | None, selector: str
    ) -> list[dict[str, Any]]:
        """Objects of ``kind`` in ``namespace`` (None: every namespace) matching ``selector``."""
        found = self._resource(api_version, kind).get(namespace=namespace, label_selector=selector)
        return [item.to_dict() for item in found.items]

    def delete(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str,
        *,
        propagation: str = "Background",
    ) -> None:
        """Delete the object (its dependents in the background, or left in place with
        ``Orphan``); gone already is fine."""
        try:
            self._resource(api_version, kind).delete(
                name=name, namespace=namespace, body={"propagationPolicy": propagation}
            )
        except NotFoundError:
            return

    def event(self, stack_ref: dict[str, str], *, reason: str, message: str, warning: bool) -> None:
        """A core/v1 Event about the stack, as ``kubectl describe`` shows them. The same
        event again (same stack, reason and message) is counted on the first one, so an
        error met at every resync is one line with a count, not one per resync."""
        now = datetime.now(UTC).isoformat()
        namespace = stack_ref["namespace"]
        digest = hashlib.sha256("|".join([stack_ref["uid"], reason, message]).encode()).hexdigest()[
            :16
        ]
        name = f"{stack_ref['name']}.{digest}"
        events = self._resource("v1", "Event")
        try:
            events.create(
                namespace=namespace,
                body={
                    "apiVersion": "v1",
                    "kind": "Event",
                    "metadata": {"name": name, "namespace": namespace},
                    "involvedObject": stack_ref,
                    "reason": reason,
                    "message": message,
                    "type": "Warning" if warning else "Normal",
                    "source": {"component": FIELD_MANAGER},
                    "firstTimestamp": now,
                    "lastTimestamp": now,
                    "count": 1,
                },
            )
            return
        except ApiException as exc:
            if exc.status != 409:
                raise
        seen = events.get(name=name, namespace=namespace)
        events.patch(
            name=name,
            namespace=namespace,
            body={"count": int(seen.count or 1) + 1, "lastTimestamp": now},
            content_type="application/merge-patch+json",
        )
