"""Pure: the stack's status from its Deployments' status, with Kubernetes-style conditions."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tekana_operator.stack import COMPONENTS


@dataclass(frozen=True)
class Observed:
    """What the reconcile saw: each component's (desired, ready) replicas, and any error."""

    replicas: dict[str, tuple[int, int]]
    migrated: bool
    error: str = ""
    permanent: bool = False
    # (reason, message) of what this reconcile changed, posted as events.
    events: tuple[tuple[str, str], ...] = ()
    # What runs but should not run so in production (a development database), or ''.
    warning: str = ""


def _condition(
    kind: str, ok: bool, reason: str, message: str, previous: list[dict[str, Any]], now: str
) -> dict[str, Any]:
    status = "True" if ok else "False"
    before = next((c for c in previous if c.get("type") == kind), None)
    # The transition time moves only when the status does.
    since = before["lastTransitionTime"] if before and before.get("status") == status else now
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": since,
    }


def compute(
    observed: Observed, *, generation: int, gateway_url: str, previous: dict[str, Any]
) -> dict[str, Any]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = list(previous.get("conditions") or [])
    waiting = [
        c
        for c in [*COMPONENTS, *(c for c in observed.replicas if c not in COMPONENTS)]
        if observed.replicas.get(c, (0, 0))[1] < observed.replicas.get(c, (0, 0))[0]
    ]
    ready = observed.migrated and not waiting and not observed.error
    if observed.error:
        progress_reason, progress_message = "ReconcileFailed", observed.error
    elif not observed.migrated:
        progress_reason, progress_message = "Migrating", "waiting for the migration Job"
    elif waiting:
        progress_reason, progress_message = "RollingOut", "waiting for " + ", ".join(waiting)
    else:
        progress_reason, progress_message = "Complete", "every component is ready"
    conditions = [
        _condition(
            "Ready", ready, "AllReady" if ready else progress_reason, progress_message, earlier, now
        ),
        _condition(
            "Progressing",
            not ready and not observed.permanent,
            progress_reason,
            progress_message,
            earlier,
            now,
        ),
        _condition(
            "Degraded",
            bool(observed.error),
            "Error" if observed.error else "None",
            observed.error or "no errors",
            earlier,
            now,
        ),
        _condition(
            "ProductionReady",
            not observed.warning,
            "DevelopmentDatabase" if observed.warning else "Resilient",
            observed.warning or "nothing runs in a development-only way",
            earlier,
            now,
        ),
    ]
    return {
        "observedGeneration": generation,
        "gatewayURL": gateway_url,
        "components": {
            c: {"replicas": r[0], "readyReplicas": r[1]} for c, r in observed.replicas.items()
        },
        "conditions": conditions,
    }
