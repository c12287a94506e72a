"""The fault campaign, shortened: under a steady transfer load every service is SIGKILLed
and restarted, the (private) PostgreSQL restarted, services paused past their deadlines,
and last the primary crashed and its synchronous standby promoted; afterwards every
acknowledged transfer is stored exactly once on the promoted standby, none is pending, the
books balance, and clients only ever saw retryable errors."""

from typing import Any

import pytest

from tekana_devstack.chaos.campaign import FAULTS, campaign, table


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return campaign(workers=6, steady=2.0, pause=3.0)


def test_the_books_hold_after_every_fault(report: dict[str, Any]) -> None:
    assert report["checks"] == {
        "acknowledged_present_exactly_once_and_completed": [],
        "pending_after_recovery": [],
        "money_invariants": [],
        "verdict_read_from_the_promoted_standby": [],
    }, table(report)
    assert report["passed"]
    assert report["acknowledged"] > 100


def test_every_fault_was_injected_and_recovered_from(report: dict[str, Any]) -> None:
    assert [(f["fault"], f["target"]) for f in report["faults"]] == [
        (f.kind, f.target) for f in FAULTS
    ]
    for fault in report["faults"]:
        assert fault["recovery_seconds"] is not None, fault
        assert fault["recovery_seconds"] < 15, fault


def test_clients_saw_outages_not_internal_errors(report: dict[str, Any]) -> None:
    kinds = {k for f in report["faults"] for k in f["client_errors_by_kind"]}
    assert not [k for k in kinds if "HTTP 500" in k], table(report)
    pauses = [f for f in report["faults"] if f["fault"] == "SIGSTOP"]
    # Paused past the deadline, the service's callers answered rather than hung.
    assert all(f["fault_seconds"] >= 3.0 for f in pauses)
