"""Prometheus metrics every process exports: requests, errors and latency per route and per
RPC, and the database pool. Services serve them on a port of their own; the gateway on
``/metrics``."""

from collections.abc import Callable

from prometheus_client import Counter, Gauge, Histogram, start_http_server

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

HTTP_REQUESTS = Counter(
    "tekana_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "tekana_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
RPC_REQUESTS = Counter(
    "tekana_rpc_requests_total", "gRPC calls served", ["grpc_service", "grpc_method", "grpc_code"]
)
RPC_DURATION = Histogram(
    "tekana_rpc_duration_seconds",
    "gRPC call latency",
    ["grpc_service", "grpc_method"],
    buckets=LATENCY_BUCKETS,
)
# A grouped call's items, each a use-case of its own (a transfer, a deposit).
USE_CASES = Counter(
    "tekana_use_cases_total",
    "Use-cases carried out as items of grouped calls",
    ["service", "use_case", "grpc_code"],
)
USE_CASE_DURATION = Histogram(
    "tekana_use_case_duration_seconds",
    "Latency of a use-case carried out as an item of a grouped call",
    ["service", "use_case"],
    buckets=LATENCY_BUCKETS,
)
BATCH_SIZE = Histogram(
    "tekana_batch_size",
    "Items sent together in one grouped statement or call",
    ["batch"],
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
# Where a grouped item's time goes: queued behind the batch in flight, then its own batch.
_BATCH_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)
BATCH_WAIT = Histogram(
    "tekana_batch_wait_seconds",
    "Time the oldest item of a batch waited before its batch left",
    ["batch"],
    buckets=_BATCH_BUCKETS,
)
BATCH_SECONDS = Histogram(
    "tekana_batch_seconds",
    "Time one batch took, from leaving to its results",
    ["batch"],
    buckets=_BATCH_BUCKETS,
)
DB_POOL = Gauge("tekana_db_pool_connections", "Database pool connections", ["state"])


def serve(host: str, port: int) -> None:
    """Expose this process's metrics over HTTP (a daemon thread); 0 turns it off."""
    if port:
        start_http_server(port, addr=host)


def watch_pool(in_use: Callable[[], int], maximum: int) -> None:
    DB_POOL.labels(state="in_use").set_function(in_use)
    DB_POOL.labels(state="available").set_function(lambda: maximum - in_use())
    DB_POOL.labels(state="max").set(maximum)
