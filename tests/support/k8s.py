"""Stacks and the CRD, for the operator's tests."""

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CRD_PATH = REPO / "helm" / "tekana" / "crds" / "tekanastacks.tekana.io.yaml"
KUBERNETES_VERSION = "1.30.0"


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
