"""Grafana dashboards as code: RED per service and route, the money, and traces. The JSON
under dashboards/ (and its copy in the Helm chart) is written from here by
`./taskw dashboards`, with the alert rules beside them (dashboards/alerts.yaml, the
operator's rules unscoped, for a Prometheus of one's own); a test checks every query and
rule names a metric the services export."""

import json
from pathlib import Path
from typing import Any

import yaml

from tekana_devstack.paths import REPO_ROOT
from tekana_operator import alerts

TARGETS = (REPO_ROOT / "dashboards", REPO_ROOT / "helm" / "tekana" / "dashboards")
PROMETHEUS = {"type": "prometheus", "uid": "${prometheus}"}
TEMPO = {"type": "tempo", "uid": "${tempo}"}
RATE = "[$__rate_interval]"


def _variable(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "label": name.title(), "type": "datasource", "query": kind, "hide": 0}


def _panel(
    title: str, exprs: dict[str, str], *, unit: str, x: int, y: int, kind: str = "timeseries"
) -> dict[str, Any]:
    return {
        "type": kind,
        "title": title,
        "datasource": PROMETHEUS,
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(65 + i), "datasource": PROMETHEUS, "expr": expr, "legendFormat": legend}
            for i, (legend, expr) in enumerate(exprs.items())
        ],
    }


def _dashboard(
    uid: str, title: str, panels: list[dict[str, Any]], *, tempo: bool = False
) -> dict[str, Any]:
    variables = [_variable("tempo", "tempo")] if tempo else [_variable("prometheus", "prometheus")]
    for number, panel in enumerate(panels, start=1):
        panel["id"] = number
    return {
        "uid": uid,
        "title": title,
        "tags": ["tekana"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": variables},
        "panels": panels,
    }


def _rate(metric: str, by: str, selector: str = "") -> str:
    return f"sum by ({by}) (rate({metric}{selector}{RATE}))"


def _quantile(quantile: float, metric: str, by: str) -> str:
    return f"histogram_quantile({quantile}, sum by (le, {by}) (rate({metric}{RATE})))"


def red() -> dict[str, Any]:
    requests, duration = "tekana_http_requests_total", "tekana_http_request_duration_seconds"
    calls, rpc_duration = "tekana_rpc_requests_total", "tekana_rpc_duration_seconds"
    method = "grpc_service, grpc_method"
    return _dashboard(
        "tekana-red",
        "Tekana — rate, errors, duration",
        [
            _panel(
                "Gateway requests per route",
                {"{{route}}": _rate(requests, "route")},
                unit="reqps",
                x=0,
                y=0,
            ),
            _panel(
                "Gateway 5xx per route",
                {"{{route}}": _rate(requests, "route", '{status=~"5.."}')},
                unit="reqps",
                x=12,
                y=0,
            ),
            _panel(
                "Gateway latency per route (p50, p99)",
                {
                    "p50 {{route}}": _quantile(0.5, f"{duration}_bucket", "route"),
                    "p99 {{route}}": _quantile(0.99, f"{duration}_bucket", "route"),
                },
                unit="s",
                x=0,
                y=8,
            ),
            _panel(
                "Calls per RPC",
                {"{{grpc_service}}/{{grpc_method}}": _rate(calls, method)},
                unit="reqps",
                x=12,
                y=8,
            ),
            _panel(
                "RPC errors by code",
                {
                    "{{grpc_method}} {{grpc_code}}": _rate(
                        calls, "grpc_method, grpc_code", '{grpc_code!="OK"}'
                    )
                },
                unit="reqps",
                x=0,
                y=16,
            ),
            _panel(
                "RPC latency p99",
                {"{{grpc_method}}": _quantile(0.99, f"{rpc_duration}_bucket", "grpc_method")},
                unit="s",
                x=12,
                y=16,
            ),
            _panel(
                "Transfers and deposits (grouped use-cases) by outcome, and p99",
                {
                    "{{use_case}} {{grpc_code}}": _rate(
                        "tekana_use_cases_total", "use_case, grpc_code"
                    ),
                    "p99 {{use_case}}": _quantile(
                        0.99, "tekana_use_case_duration_seconds_bucket", "use_case"
                    ),
                },
                unit="short",
                x=0,
                y=32,
            ),
            _panel(
                "Database pool in use",
                {"{{job}}": 'sum by (job) (tekana_db_pool_connections{state="in_use"})'},
                unit="short",
                x=0,
                y=24,
            ),
            _panel(
                "argon2id queue",
                {"queued or running": "sum(tekana_argon2_queue_length)"},
                unit="short",
                x=12,
                y=24,
            ),
        ],
    )


def money() -> dict[str, Any]:
    transfers = "tekana_transfers_total"
    return _dashboard(
        "tekana-money",
        "Tekana — money",
        [
            _panel(
                "Transfers per second by outcome",
                {"{{kind}} {{outcome}}": _rate(transfers, "kind, outcome")},
                unit="ops",
                x=0,
                y=0,
            ),
            _panel(
                "Oldest pending transaction",
                {"age": "max(tekana_saga_oldest_pending_seconds)"},
                unit="s",
                x=12,
                y=0,
            ),
            _panel(
                "Recoveries by outcome",
                {"{{outcome}}": _rate("tekana_saga_recoveries_total", "outcome")},
                unit="ops",
                x=0,
                y=8,
            ),
            _panel(
                "Refused transfers",
                {"{{kind}}": _rate(transfers, "kind", '{outcome="failed"}')},
                unit="ops",
                x=12,
                y=8,
            ),
            _panel(
                "Group commit: items per batch",
                {
                    "{{batch}}": f"{_rate('tekana_batch_size_sum', 'batch')}"
                    f" / {_rate('tekana_batch_size_count', 'batch')}"
                },
                unit="short",
                x=0,
                y=16,
            ),
            _panel(
                "Group commit: queued and in flight (p99)",
                {
                    "queued {{batch}}": _quantile(
                        0.99, "tekana_batch_wait_seconds_bucket", "batch"
                    ),
                    "batch {{batch}}": _quantile(0.99, "tekana_batch_seconds_bucket", "batch"),
                },
                unit="s",
                x=12,
                y=16,
            ),
        ],
    )


def _trace_panel(title: str, query: str, *, x: int, y: int) -> dict[str, Any]:
    return {
        "type": "table",
        "title": title,
        "datasource": TEMPO,
        "gridPos": {"h": 10, "w": 12, "x": x, "y": y},
        "targets": [
            {"refId": "A", "datasource": TEMPO, "queryType": "traceql", "query": query, "limit": 50}
        ],
    }


def traces() -> dict[str, Any]:
    return _dashboard(
        "tekana-traces",
        "Tekana — traces",
        [
            _trace_panel(
                "Failed transfers",
                '{ name = "transaction.transfer" && status = error }',
                x=0,
                y=0,
            ),
            _trace_panel(
                "Slow transfers (over 250 ms)",
                '{ name = "transaction.transfer" && duration > 250ms }',
                x=12,
                y=0,
            ),
            _trace_panel(
                "Slow SQL (over 50 ms)",
                '{ span.db.system = "postgresql" && duration > 50ms }',
                x=0,
                y=10,
            ),
            {
                "type": "nodeGraph",
                "title": "Service graph",
                "datasource": TEMPO,
                "gridPos": {"h": 10, "w": 12, "x": 12, "y": 10},
                "targets": [{"refId": "A", "datasource": TEMPO, "queryType": "serviceMap"}],
            },
        ],
        tempo=True,
    )


def all_dashboards() -> dict[str, dict[str, Any]]:
    return {"tekana-red.json": red(), "tekana-money.json": money(), "tekana-traces.json": traces()}


def render(dashboard: dict[str, Any]) -> str:
    return json.dumps(dashboard, indent=2, sort_keys=True) + "\n"


ALERTS = TARGETS[0] / "alerts.yaml"


def render_alerts() -> str:
    header = (
        "# Written by ./taskw dashboards from the operator's rules (tekana_operator/alerts.py).\n"
    )
    body: str = yaml.safe_dump({"groups": alerts.groups()}, sort_keys=False, width=100)
    return header + body


def write() -> None:
    for target in TARGETS:
        target.mkdir(parents=True, exist_ok=True)
        for name, dashboard in all_dashboards().items():
            (target / name).write_text(render(dashboard))
    ALERTS.write_text(render_alerts())


def committed(name: str, target: Path = TARGETS[0]) -> str:
    return (target / name).read_text()
