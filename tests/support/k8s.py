"""Stacks and the CRD, for the operator's tests."""

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CRD_PATH = REPO / "helm" / "tekana" / "crds" / "tekanastacks.tekana.io.yaml"
KUBERNETES_VERSION = "1.30.0"
# Third-party CRDs (schemas only), beside the repository: ../shared/crds/README.md.
SHARED_CRDS = REPO.parent / "shared" / "crds"
PROMETHEUS_OPERATOR_CRDS = SHARED_CRDS / "prometheus-operator"
CLOUDNATIVE_PG_CRDS = SHARED_CRDS / "cloudnative-pg"


def crd() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CRD_PATH.read_text())
    return loaded


def stack_body(spec: dict[str, Any] | None = None, *, name: str = "prod") -> dict[str, Any]:
    return {
        "apiVersion": "tekana.io/v1alpha1",
        "kind": "TekanaStack",
        "metadata": {"name": name, "namespace": "tekana", "uid": "uid-1", "generation": 4},
        "spec": spec or {},
    }


def third_party_crd(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def crd_schema(found: dict[str, Any], version: str = "v1") -> dict[str, Any]:
    """The OpenAPI schema a CRD gives ``version`` of its kind."""
    (served,) = [v for v in found["spec"]["versions"] if v["name"] == version]
    schema: dict[str, Any] = served["schema"]["openAPIV3Schema"]
    return schema


def for_old_servers(found: Any) -> Any:
    """``found`` (a CRD, loaded) without the empty-string defaults newer generators write
    (``name: {default: ""}`` of object references): the 1.20 API server here reads such a
    default as null and refuses the CRD. Only defaulting is lost; types and required fields
    stay."""
    if isinstance(found, dict):
        return {k: for_old_servers(v) for k, v in found.items() if not (k == "default" and v == "")}
    if isinstance(found, list):
        return [for_old_servers(v) for v in found]
    return found
