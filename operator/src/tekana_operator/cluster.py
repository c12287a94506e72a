"""The Kubernetes API as the operator uses it: discovery, server-side apply, create-once."""

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import NotFoundError, ResourceNotFoundError

from tekana_operator.network import ApiVersions

FIELD_MANAGER = "tekana-operator"


def load_config() -> None:
    """In a pod, the service account; elsewhere, the kubeconfig (KUBECONFIG)."""
    try:
        config.load_incluster_config()
    except ConfigException:
        # Read KUBECONFIG now: the library captured its default when it was imported.
        config.load_kube_config(config_file=os.environ.get("KUBECONFIG"))


class Cluster:
    """The API through clients of each thread's own: kopf runs handlers on several threads,
    and a dynamic client's discovery cache, refreshed by one while another reads it, fails
    the reader."""

    def __init__(self, make_api: Callable[[], client.ApiClient] = client.ApiClient) -> None:
        self._make_api = make_api
        self._local = threading.local()

    @property
    def _dynamic(self) -> DynamicClient:
        found: DynamicClient | None = getattr(self._local, "dynamic", None)
        if found is None:
            found = self._local.dynamic = DynamicClient(self._make_api())
        return found

    def _resource(self, api_version: str, kind: str) -> Any:
        return self._dynamic.resources.get(api_version=api_version, kind=kind)

    def versions(self) -> ApiVersions:
        """autoscaling/v2 and policy/v1 where served; their predecessors on older clusters."""
        return ApiVersions(
            autoscaling=self._first_served(
                "HorizontalPodAutoscaler", ["autoscaling/v2", "autoscaling/v2beta2"]
            ),
            disruption_budget=self._first_served(
                "PodDisruptionBudget", ["policy/v1", "policy/v1beta1"]
            ),
        )

    def _first_served(self, kind: str, candidates: list[str]) -> str:
        for api_version in candidates:
            try:
                self._resource(api_version, kind)
            except ResourceNotFoundError:
                continue
            return api_version
        return candidates[0]

    def apply(self, manifest: dict[str, Any]) -> None:
        """Server-side apply: creates the object, or brings the fields we own back to spec."""
        meta = manifest["metadata"]
        self._resource(manifest["apiVersion"], manifest["kind"]).server_side_apply(
            body=manifest,
            name=meta["name"],
            namespace=meta.get("namespace"),
            field_manager=FIELD_MANAGER,
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

    def delete(self, api_version: str, kind: str, name: str, namespace: str) -> None:
        """Delete the object (its dependents in the background); gone already is fine."""
        try:
            self._resource(api_version, kind).delete(
                name=name, namespace=namespace, body={"propagationPolicy": "Background"}
            )
        except NotFoundError:
            return

    def event(self, stack_ref: dict[str, str], *, reason: str, message: str, warning: bool) -> None:
        """A core/v1 Event about the stack, as ``kubectl describe`` shows them."""
        now = datetime.now(UTC).isoformat()
        self._resource("v1", "Event").create(
            namespace=stack_ref["namespace"],
            body={
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "generateName": f"{stack_ref['name']}.",
                    "namespace": stack_ref["namespace"],
                },
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
