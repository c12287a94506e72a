"""The Grafana dashboards and the alert rules: current, well-formed, querying only metrics
the code exports; the dashboards choose their data sources through variables."""

import json
import re
from typing import Any

import promql_parser
import pytest
import yaml
from prometheus_client import REGISTRY

import tekana_common.metrics
import tekana_customer.passwords
import tekana_transaction.metrics
from tekana_devstack import dashboards
from tekana_operator import alerts
from tests.support.k8s import REPO

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


def _selectors(node: Any) -> list[Any]:
    """Every vector selector in a parsed PromQL expression."""
    if isinstance(node, promql_parser.VectorSelector):
        return [node]
    found = []
    for attribute in ("lhs", "rhs", "expr", "vector_selector", "param"):
        child = getattr(node, attribute, None)
        if child is not None:
            found += _selectors(child)
    for argument in getattr(node, "args", None) or []:
        found += _selectors(argument)
    return found


def _rules() -> list[dict[str, Any]]:
    return [rule for group in alerts.groups() for rule in group["rules"]]


def test_committed_alert_rules_are_current() -> None:
    assert dashboards.ALERTS.read_text() == dashboards.render_alerts(), "run ./taskw dashboards"
    assert yaml.safe_load(dashboards.ALERTS.read_text()) == {"groups": alerts.groups()}


@pytest.mark.parametrize("rule", _rules(), ids=lambda rule: str(rule["alert"]))
def test_each_alert_parses_and_names_only_exported_metrics(rule: dict[str, Any]) -> None:
    known = exported()
    names = [s.name for s in _selectors(promql_parser.parse(rule["expr"]))]
    assert names, f"{rule['alert']} reads no series"
    for name in names:
        assert name in known, f"{name} is not exported"
    assert rule["labels"]["severity"] in {"warning", "critical"}
    assert rule["annotations"]["summary"]


def test_the_rules_watch_what_the_issue_asks_for() -> None:
    watched = {s.name for rule in _rules() for s in _selectors(promql_parser.parse(rule["expr"]))}
    assert {
        "tekana_http_requests_total",  # error rate per route
        "tekana_http_request_duration_seconds_bucket",  # latency per route
        "tekana_saga_oldest_pending_seconds",  # pending transfers' age
        "tekana_saga_recoveries_total",
        "tekana_db_pool_connections",  # pool saturation
    } <= watched


def test_compose_s_prometheus_loads_the_rules_and_scrapes_every_component() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    prometheus = compose["services"]["prometheus"]
    config = yaml.safe_load((REPO / "dashboards" / "prometheus.yaml").read_text())
    mounts = {v.split(":")[1]: v.split(":")[0] for v in prometheus["volumes"]}
    assert mounts["/etc/prometheus/alerts.yaml"] == "./dashboards/alerts.yaml"
    assert config["rule_files"] == ["/etc/prometheus/alerts.yaml"]
    (job,) = config["scrape_configs"]
    targets_ = {t for c in job["static_configs"] for t in c["targets"]}
    port = compose["x-service-env"]["TEKANA_METRICS_PORT"]
    assert targets_ == {f"{c}:{port}" for c in ("gateway", "customer", "wallet", "transaction")}
    assert compose["services"]["gateway"]["environment"]["TEKANA_METRICS_PORT"] == port
