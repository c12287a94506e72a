"""The benchmark's arithmetic: medians, ratios to pgbench, targets and profile grouping."""

from typing import Any

import pytest

from tekana_devstack.bench import hashing
from tekana_devstack.bench.load import LoadRun
from tekana_devstack.bench.markdown import render as markdown
from tekana_devstack.bench.profile import summarize
from tekana_devstack.bench.report import scenario_entry, targets


def _run(scenario: str, requests: int, p99: float, errors: int = 0) -> LoadRun:
    return LoadRun(
        scenario=scenario,
        requests=requests,
        seconds=10.0,
        p50_ms=p99 / 4,
        p90_ms=p99 / 2,
        p99_ms=p99,
        errors=errors,
        error_kinds={"envelope": errors} if errors else {},
        error_sample="",
        cpu_seconds={"gateway": requests * 0.0005, "wrk": 1.0},
    )


def _report(
    entries: list[dict[str, Any]],
    ceilings: dict[str, float],
    argon2id: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ceiling = argon2id["hashes_per_second"] if argon2id else None
    return {
        "started_at": "20261125T000000Z",
        "machine": {"cpus": 2, "cpu_model": "test"},
        "settings": {"concurrency": 64, "seconds": 10, "runs": 1, "customers": 10_000},
        "pgbench": ceilings,
        "scenarios": entries,
        "targets": [t.__dict__ for t in targets(entries, ceilings, ceiling)],
        "argon2id": argon2id,
    }


def test_an_entry_is_the_median_of_its_runs_and_a_ratio_of_the_ceiling() -> None:
    runs = [_run("transfer", 9_000, 80), _run("transfer", 12_000, 60), _run("transfer", 30_000, 40)]
    entry = scenario_entry(runs, {"transfer-random": 10_000.0, "transfer-hot": 1_000.0})
    assert entry["rps"] == 1_200.0
    assert entry["p99_ms"] == 60
    assert entry["ratio_to_pgbench"] == 0.12
    assert entry["cpu_ms_per_request"]["gateway"] == 0.5
    assert entry["runs"] == [900.0, 1_200.0, 3_000.0]


def test_hot_transfers_are_compared_with_the_hot_ceiling() -> None:
    entry = scenario_entry(
        [_run("transfer-hot", 3_000, 50)], {"transfer-random": 10_000.0, "transfer-hot": 1_000.0}
    )
    assert entry["pgbench_reference"] == "transfer-hot"
    assert entry["ratio_to_pgbench"] == 0.3


def test_targets_name_what_is_short() -> None:
    ceilings = {"transfer-random": 10_000.0, "transfer-hot": 1_000.0}
    entries = [
        scenario_entry([_run("transfer", 5_000, 120)], ceilings),
        scenario_entry([_run("get-customer", 25_000, 30, errors=2)], ceilings),
        scenario_entry([_run("register", 500, 900)], ceilings),
    ]
    judged = {t.what: t.met for t in targets(entries, ceilings)}
    assert judged["transfer requests/s"] is False
    assert judged["transfer / pgbench ceiling"] is False
    assert judged["get-customer requests/s"] is True
    assert judged["transfer p99"] is False
    assert judged["get-customer p99"] is True
    assert "register p99" not in judged
    assert judged["get-customer errors"] is False


def test_markdown_carries_every_scenario_and_target() -> None:
    ceilings = {"transfer-random": 10_000.0, "transfer-hot": 1_000.0}
    entries = [scenario_entry([_run("transfer", 12_000, 60)], ceilings)]
    text = markdown(_report(entries, ceilings))
    assert "| transfer | 1,200 | 15.0 | 60.0 | 0 | 0.500 | 0.083 | 12.0% |" in text
    assert "| transfer requests/s | >= 1000 | 1200 | yes |" in text


def test_profile_samples_are_grouped_by_the_library_of_the_innermost_frame() -> None:
    raw = "\n".join(
        [
            "main (x/__main__.py:1);send (h2/connection.py:10) 6",
            "main (x/__main__.py:1);encode (hpack/hpack.py:3) 2",
            "main (x/__main__.py:1);get (tekana_customer/service.py:9) 1",
            "main (x/__main__.py:1);fetch (asyncpg/connection.py:7) 1",
        ]
    )
    assert summarize(raw) == [
        {"function": "HTTP/2 (h2, hpack)", "percent": 80.0},
        {"function": "tekana code", "percent": 10.0},
        {"function": "asyncpg", "percent": 10.0},
    ]


def test_register_is_judged_against_what_argon2id_alone_allows() -> None:
    ceilings = {"transfer-random": 10_000.0, "transfer-hot": 1_000.0}
    entries = [
        scenario_entry([_run("register", 800, 900)], ceilings),
        scenario_entry([_run("login", 600, 1_000)], ceilings),
    ]
    assert {t.what: t.met for t in targets(entries, ceilings, 100.0)}[
        "register / argon2id ceiling"
    ] is True
    assert {t.what: t.met for t in targets(entries, ceilings, 150.0)}[
        "register / argon2id ceiling"
    ] is False
    argon2id = {
        "what": "argon2id, 19 MiB, 2 passes, 1 lane",
        "cpu_ms_per_hash": 20.0,
        "cpus": 2,
        "hashes_per_second": 100.0,
    }
    text = markdown(_report(entries, ceilings, argon2id))
    assert "| register / argon2id ceiling | >= 67% | 80% | yes |" in text
    assert "register reaches 80% of that; login reaches 60% of that." in text


def test_argon2id_is_timed_with_the_customer_services_parameters() -> None:
    measured = hashing.measure(hashes=2)
    assert measured["what"] == "argon2id, 19 MiB, 2 passes, 1 lane"
    assert measured["cpu_ms_per_hash"] > 0
    assert measured["hashes_per_second"] == pytest.approx(
        measured["cpus"] * 1e3 / measured["cpu_ms_per_hash"], rel=0.01
    )


def test_login_is_judged_like_register_and_not_by_its_queueing_p99() -> None:
    ceilings = {"transfer-random": 10_000.0, "transfer-hot": 1_000.0}
    entries = [scenario_entry([_run("login", 700, 1_200)], ceilings)]
    judged = {t.what: (t.measured, t.met) for t in targets(entries, ceilings, 100.0)}
    assert judged["login / argon2id ceiling"] == ("70%", True)
    assert "login p99" not in judged
    slow = {t.what: t.met for t in targets(entries, ceilings, 120.0)}
    assert slow["login / argon2id ceiling"] is False


def _storm(quiet: float, stormy: float, errors: int = 0) -> dict[str, Any]:
    return {
        "logins_in_flight": 64,
        "target_ratio": 2.0,
        "entries": [
            {
                "scenario": "get-wallet",
                "concurrency": 16,
                "quiet_rps": 1_000.0,
                "quiet_p99_ms": quiet,
                "storm_rps": 800.0,
                "storm_p99_ms": stormy,
                "p99_ratio": round(stormy / quiet, 2),
                "errors": errors,
                "logins_per_second": 90.0,
            }
        ],
    }


@pytest.mark.parametrize(
    ("quiet", "stormy", "errors", "met"),
    [(20.0, 30.0, 0, True), (20.0, 40.0, 0, False), (20.0, 25.0, 3, False)],
)
def test_a_login_storm_may_at_most_double_the_victims_p99(
    quiet: float, stormy: float, errors: int, met: bool
) -> None:
    ceilings = {"transfer-random": 10_000.0, "transfer-hot": 1_000.0}
    (target,) = [
        t
        for t in targets([], ceilings, storm=_storm(quiet, stormy, errors))
        if "concurrent logins" in t.what
    ]
    assert target.what == "get-wallet p99 during 64 concurrent logins / quiet"
    assert target.met is met


def test_markdown_shows_the_login_storm() -> None:
    report = _report([], {"transfer-random": 1.0})
    report["login_storm"] = _storm(20.0, 30.0)
    text = markdown(report)
    assert "| get-wallet | 16 | 1,000 | 20.0 | 800 | 30.0 | 1.50 | 90 |" in text
