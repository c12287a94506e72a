"""Pure: what the Prometheus Operator needs to watch a stack, where its CRDs are served: a
PodMonitor over every pod's metrics port, and a PrometheusRule with the alert rules
(alerts.py), scoped to the stack's pods."""

from typing import Any

from tekana_operator import alerts
from tekana_operator.meta import metadata
from tekana_operator.stack import Stack

API_VERSION = "monitoring.coreos.com/v1"
# Kept on every series as app_kubernetes_io_instance and app_kubernetes_io_component, so
# the rules (and dashboards) can tell one stack, and one component, from another.
TARGET_LABELS = ["app.kubernetes.io/instance", "app.kubernetes.io/component"]


def _meta(stack: Stack) -> dict[str, Any]:
    meta = metadata(stack, stack.child("metrics"))
    meta["labels"] = {**stack.monitoring.labels, **meta["labels"]}
    return meta


def pod_monitor(stack: Stack) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "PodMonitor",
        "metadata": _meta(stack),
        "spec": {
            "selector": {"matchLabels": {"app.kubernetes.io/instance": stack.name}},
            "podTargetLabels": TARGET_LABELS,
            # Pods without a port of this name (the database, Redis) are not scraped.
            "podMetricsEndpoints": [{"port": "metrics", "path": "/metrics", "interval": "30s"}],
        },
    }


def prometheus_rule(stack: Stack) -> dict[str, Any]:
    scope = f'namespace="{stack.namespace}",app_kubernetes_io_instance="{stack.name}"'
    return {
        "apiVersion": API_VERSION,
        "kind": "PrometheusRule",
        "metadata": _meta(stack),
        "spec": {"groups": alerts.groups(scope)},
    }


def children(stack: Stack, served: bool) -> list[dict[str, Any]]:
    """Both, if the cluster serves their kinds and the spec does not turn them off."""
    if not (served and stack.monitoring.prometheus_operator):
        return []
    return [pod_monitor(stack), prometheus_rule(stack)]
