"""``./taskw bench`` end to end, shortened: it starts its own platform, seeds it, drives wrk
and pgbench, and writes a report whose figures come from the run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tekana_devstack.bench import load

# Every scenario but registration, whose hashing makes a short run mostly a queue.
SCENARIOS = tuple(s for s in load.SCENARIOS if s != "register")
PROCESSES = {"gateway", "customer", "wallet", "transaction", "postgres", "wrk"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tekana_devstack",
            "bench",
            "--customers=300",
            "--concurrency=8",
            "--seconds=2",
            "--runs=1",
            "--soak-seconds=8",
            "--storm-seconds=2",
            "--profile-seconds=0",
            f"--scenarios={','.join(SCENARIOS)}",
            f"--out={out}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    reports = sorted(Path(out).glob("*.json"))
    assert len(reports) == 1
    assert reports[0].with_suffix(".md").exists()
    loaded: dict[str, object] = json.loads(reports[0].read_text())
    return loaded


def test_every_scenario_ran_without_errors(report: dict[str, object]) -> None:
    scenarios = report["scenarios"]
    assert isinstance(scenarios, list)
    assert [s["scenario"] for s in scenarios] == list(SCENARIOS)
    for entry in scenarios:
        assert entry["rps"] > 0, entry
        assert entry["errors"] == 0, entry
        assert 0 < entry["p50_ms"] <= entry["p99_ms"], entry
        assert set(entry["cpu_ms_per_request"]) == PROCESSES, entry
        assert entry["cpu_ms_per_request"]["gateway"] > 0, entry


def test_figures_are_stated_against_pgbench_measured_in_the_run(
    report: dict[str, object],
) -> None:
    pgbench = report["pgbench"]
    assert isinstance(pgbench, dict)
    assert pgbench["transfer-random"] > 0
    assert pgbench["transfer-hot"] > 0
    scenarios = {s["scenario"]: s for s in report["scenarios"]}  # type: ignore[attr-defined]
    transfer = scenarios["transfer"]
    assert transfer["ratio_to_pgbench"] == pytest.approx(
        transfer["rps"] / pgbench["transfer-random"], rel=0.01
    )
    hot = scenarios["transfer-hot"]
    assert hot["ratio_to_pgbench"] == pytest.approx(hot["rps"] / pgbench["transfer-hot"], rel=0.01)


def test_memory_of_every_process_is_reported(report: dict[str, object]) -> None:
    memory = report["memory"]
    assert isinstance(memory, dict)
    assert memory["errors"] == 0
    assert set(memory["processes"]) == {"gateway", "customer", "wallet", "transaction"}
    for figures in memory["processes"].values():
        assert figures["first_mib"] > 10
        assert figures["last_mib"] > 10


def test_targets_are_judged_from_the_figures(report: dict[str, object]) -> None:
    targets = {t["what"]: t for t in report["targets"]}  # type: ignore[attr-defined]
    scenarios = {s["scenario"]: s for s in report["scenarios"]}  # type: ignore[attr-defined]
    transfer_rate = targets["transfer requests/s"]
    assert transfer_rate["met"] == (scenarios["transfer"]["rps"] >= 1000)
    assert report["machine"]["cpus"] >= 1  # type: ignore[index]
    assert report["tracing_overhead"]["overhead_percent"] > 0  # type: ignore[index]
    assert report["grpc_call_floor"]["calls_per_second"] > 0  # type: ignore[index]


def test_the_login_storm_is_measured_beside_quiet_runs(report: dict[str, object]) -> None:
    storm = report["login_storm"]
    assert isinstance(storm, dict)
    assert storm["logins_in_flight"] == 8
    assert [e["scenario"] for e in storm["entries"]] == ["get-wallet", "transfer"]
    for entry in storm["entries"]:
        assert entry["errors"] == 0, entry
        assert entry["quiet_p99_ms"] > 0
        assert entry["storm_p99_ms"] > 0
        assert entry["p99_ratio"] == pytest.approx(
            entry["storm_p99_ms"] / entry["quiet_p99_ms"], abs=0.01
        )
        assert entry["logins_per_second"] > 0, entry
    judged = {t["what"] for t in report["targets"]}  # type: ignore[attr-defined]
    assert "login / argon2id ceiling" in judged
    assert "transfer p99 during 8 concurrent logins / quiet" in judged
