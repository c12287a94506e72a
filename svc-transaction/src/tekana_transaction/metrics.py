"""The money's own metrics: transfers by outcome, and what recovery had to finish."""

from prometheus_client import Counter, Gauge

TRANSFERS = Counter(
    "tekana_transfers_total", "Money movements by kind and outcome", ["kind", "outcome"]
)
RECOVERIES = Counter(
    "tekana_saga_recoveries_total", "Pending transactions finished by recovery", ["outcome"]
)
OLDEST_PENDING = Gauge(
    "tekana_saga_oldest_pending_seconds", "Age of the oldest pending transaction seen by recovery"
)
