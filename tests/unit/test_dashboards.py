"""The Grafana dashboards: current, well-formed, querying only metrics the code exports, and
choosing their data sources through variables."""

import json
import re
from typing import Any

import pytest
from prometheus_client import REGISTRY

import tekana_common.metrics
import tekana_customer.passwords
import tekana_transaction.metrics
from tekana_devstack import dashboards

MODULES_WITH_METRICS = (
    tekana_common.metrics,
    tekana_customer.passwords,
    tekana_transaction.metrics,
)
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exported() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return names


def targets(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [target for panel in dashboard["panels"] for target in panel["targets"]]


@pytest.mark.parametrize("name", dashboards.all_dashboards())
def test_committed_dashboards_are_current(name: str) -> None:
    for target in dashboards.TARGETS:
        assert dashboards.committed(name, target) == dashboards.render(
            dashboards.all_dashboards()[name]
        ), "run ./taskw dashboards"
        json.loads(dashboards.committed(name, target))


@pytest.mark.parametrize("name", dashboards.all_dashboards())
def test_queries_name_only_exported_metrics(name: str) -> None:
    # Importing the modules registers their metrics; the tuple keeps the imports in use.
    assert len(MODULES_WITH_METRICS) == 3
    known = exported()
    for target in targets(dashboards.all_dashboards()[name]):
        for metric in re.findall(r"\btekana_[a-z0-9_]+", target.get("expr", "")):
            assert metric in known, f"{metric} is not exported"


@pytest.mark.parametrize("name", dashboards.all_dashboards())
def test_data_sources_are_variables(name: str) -> None:
    dashboard = dashboards.all_dashboards()[name]
    variables = {v["name"] for v in dashboard["templating"]["list"] if v["type"] == "datasource"}
    for holder in [*dashboard["panels"], *targets(dashboard)]:
        uid = holder["datasource"]["uid"]
        assert uid.startswith("${")
        assert uid[2:-1] in variables


def test_every_dashboard_has_queries() -> None:
    red = dashboards.red()
    assert len(red["panels"]) >= 6
    assert any("transaction.transfer" in t.get("query", "") for t in targets(dashboards.traces()))
    assert any("tekana_transfers_total" in t["expr"] for t in targets(dashboards.money()))
