"""Pure: the alert rules that ship with the dashboards, in the Prometheus rule-file shape
(``groups``), which is also a PrometheusRule's spec. The operator renders them for each
stack, scoped to its pods; ``./taskw dashboards`` writes them unscoped to
dashboards/alerts.yaml for a Prometheus of one's own (compose's included)."""

from typing import Any

# An error budget's worth: a route failing more often than this is broken for someone.
ERROR_RATIO = 0.05
SLOW_SECONDS = 1.0
PENDING_SECONDS = 300
POOL_IN_USE_RATIO = 0.9


def _alert(
    name: str, expr: str, minutes: int, severity: str, summary: str, description: str
) -> dict[str, Any]:
    return {
        "alert": name,
        "expr": expr,
        "for": f"{minutes}m",
        "labels": {"severity": severity},
        "annotations": {"summary": summary, "description": description},
    }


def groups(selector: str = "") -> list[dict[str, Any]]:
    """The rule groups; ``selector`` (label matchers, ``a="b",c="d"``) narrows every series
    to one stack's."""

    def metric(name: str, *matchers: str) -> str:
        inside = ",".join(m for m in (*matchers, selector) if m)
        return f"{name}{{{inside}}}" if inside else name

    http = "tekana_http_requests_total"
    rpc = "tekana_rpc_requests_total"
    pool = "tekana_db_pool_connections"
    server_error = 'status=~"5.."'
    failed_call = 'grpc_code=~"INTERNAL|UNAVAILABLE|UNKNOWN|DEADLINE_EXCEEDED"'
    in_use, most = 'state="in_use"', 'state="max"'
    return [
        {
            "name": "tekana-requests",
            "rules": [
                _alert(
                    "TekanaRouteErrors",
                    f"sum by (route) (rate({metric(http, server_error)}[5m]))"
                    f" / sum by (route) (rate({metric(http)}[5m])) > {ERROR_RATIO}",
                    5,
                    "critical",
                    "{{ $labels.route }} answers 5xx to more than 5% of requests",
                    "Server errors on a gateway route; the gateway's logs and traces say why.",
                ),
                _alert(
                    "TekanaRouteSlow",
                    "histogram_quantile(0.99, sum by (route, le) "
                    f"(rate({metric('tekana_http_request_duration_seconds_bucket')}[5m])))"
                    f" > {SLOW_SECONDS}",
                    10,
                    "warning",
                    "{{ $labels.route }}: the slowest 1% take over a second",
                    "p99 latency of a gateway route; compare with the services' call latency.",
                ),
                _alert(
                    "TekanaCallErrors",
                    "sum by (grpc_service, grpc_method) (rate("
                    f"{metric(rpc, failed_call)}"
                    "[5m])) / sum by (grpc_service, grpc_method) "
                    f"(rate({metric(rpc)}[5m])) > {ERROR_RATIO}",
                    5,
                    "critical",
                    "{{ $labels.grpc_service }}/{{ $labels.grpc_method }} fails over 5% of calls",
                    "Calls between the services end in server-side errors.",
                ),
            ],
        },
        {
            "name": "tekana-money",
            "rules": [
                _alert(
                    "TekanaTransfersPending",
                    f"max({metric('tekana_saga_oldest_pending_seconds')}) > {PENDING_SECONDS}",
                    5,
                    "critical",
                    "a transfer has been pending for over 5 minutes",
                    "Recovery has not finished the oldest pending transfer; its money is"
                    " held. Check the wallet service and the transaction service's logs.",
                ),
                _alert(
                    "TekanaSagaRecoveries",
                    f"sum(increase({metric('tekana_saga_recoveries_total')}[15m])) > 0",
                    0,
                    "warning",
                    "recovery finished transfers a crash or an outage left pending",
                    "Transfers were completed or compensated by recovery, not by the request"
                    " that began them: something stopped mid-transfer.",
                ),
            ],
        },
        {
            "name": "tekana-capacity",
            "rules": [
                _alert(
                    "TekanaDatabasePoolSaturated",
                    f"{metric(pool, in_use)} / ignoring(state) {metric(pool, most)}"
                    f" > {POOL_IN_USE_RATIO}",
                    5,
                    "warning",
                    "{{ $labels.pod }} uses over 90% of its database connections",
                    "Calls wait for a connection; scale the service out or raise its pool.",
                ),
            ],
        },
    ]
