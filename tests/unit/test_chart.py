"""The Helm chart: lint-clean, every rendered object valid, values checked by the schema,
and k8s/tekana.yaml exactly what it renders."""

import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

from tekana_devstack import k8s
from tests.support.envtest import ENVTEST_BIN
from tests.support.k8s import KUBERNETES_VERSION, REPO, crd

HELM = ENVTEST_BIN / "helm"


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    if not HELM.exists():
        pytest.fail("helm is missing: ./taskw system-tools installs it")
    return subprocess.run([str(HELM), *args], capture_output=True, text=True, check=False)


def rendered(*sets: str) -> list[dict[str, Any]]:
    args = ["template", "tekana", str(k8s.CHART), "--namespace", "tekana", "--include-crds"]
    for value in sets:
        args += ["--set", value]
    result = helm(*args)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_the_chart_lints_strictly() -> None:
    result = helm("lint", "--strict", str(k8s.CHART))
    assert result.returncode == 0, result.stdout + result.stderr


VARIANTS = {
    "defaults": (),
    "no stack": ("stack.enabled=false",),
    "autoscaled with tracing": (
        "stack.spec.autoscaling.enabled=true",
        "stack.spec.tracing.enabled=true",
    ),
    "with dashboards": ("grafanaDashboards.enabled=true",),
}


@pytest.mark.parametrize("sets", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_rendered_object_is_valid(sets: tuple[str, ...]) -> None:
    schema = crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    documents = rendered(*sets)
    kinds = {d["kind"] for d in documents}
    assert {"CustomResourceDefinition", "Deployment", "Role", "RoleBinding"} <= kinds
    for document in documents:
        if document["kind"] == "TekanaStack":
            jsonschema.validate(document, schema)
        else:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    assert ("TekanaStack" in kinds) == ("stack.enabled=false" not in sets)
    dashboards = [d for d in documents if "grafana_dashboard" in d["metadata"].get("labels", {})]
    assert len(dashboards) == (3 if "grafanaDashboards.enabled=true" in sets else 0)


def test_the_operator_has_only_namespaced_rights() -> None:
    kinds = {d["kind"] for d in rendered()}
    assert "ClusterRole" not in kinds
    assert "ClusterRoleBinding" not in kinds


@pytest.mark.parametrize("bad", ["operator.replicas=3", "operator.image.pullPolicy=Sometimes"])
def test_the_values_schema_refuses_bad_values(bad: str) -> None:
    result = helm("template", "tekana", str(k8s.CHART), "--set", bad)
    assert result.returncode != 0
    assert "values don't meet the specifications of the schema" in result.stderr


def test_the_plain_manifests_are_the_rendered_chart() -> None:
    assert k8s.MANIFESTS.read_text() == k8s.render(HELM), "re-render with ./taskw k8s"


@pytest.mark.parametrize(
    "path",
    [
        Path("k8s/tekana.yaml"),
        Path("helm/tekana/values.yaml"),
        Path("helm/tekana/Chart.yaml"),
        Path("helm/tekana/crds/tekanastacks.tekana.io.yaml"),
        Path("compose.yaml"),
    ],
)
def test_yaml_is_lint_clean(path: Path) -> None:
    config = YamlLintConfig(file=str(REPO / ".yamllint.yaml"))
    problems = list(linter.run((REPO / path).read_text(), config))
    assert [f"{p.line}: {p.message}" for p in problems if p.level == "error"] == []
