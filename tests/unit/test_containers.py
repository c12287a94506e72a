"""The Dockerfile (parsed with Docker's own parser) and the compose file (checked by
docker-compose) hold to the rules: multi-stage, pinned bases, non-root, health-checked,
one file for every component, and a build context of sources only."""

import importlib
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import dockerfile
import pytest

REPO = Path(__file__).resolve().parents[2]
COMPONENTS = {
    "gateway": "tekana_gateway",
    "svc-customer": "tekana_customer",
    "svc-wallet": "tekana_wallet",
    "svc-transaction": "tekana_transaction",
    "operator": "tekana_operator",
}
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*( AS \w+)?$", re.IGNORECASE)


def test_one_hardened_multi_stage_dockerfile_serves_every_component() -> None:
    commands = dockerfile.parse_file(str(REPO / "Dockerfile"))
    stages = [c for c in commands if c.cmd == "FROM"]
    assert len(stages) >= 2, "multi-stage"
    # Bases are pinned, directly or through a global ARG's pinned default (which a build
    # without a registry replaces with a local image).
    defaults = dict(
        c.value[0].split("=", 1) for c in commands[: commands.index(stages[0])] if c.cmd == "ARG"
    )
    named: set[str] = set()  # a stage may start from an earlier stage
    for stage in stages:
        base, *alias = stage.value
        if alias:
            named.add(alias[-1])
        if base in named:
            continue
        base = defaults.get(base.removeprefix("${").removesuffix("}"), base)
        assert PINNED.match(" ".join([base, *alias])), f"unpinned base {stage.value}"
    build = commands[: commands.index(stages[-1])]
    assert ["COMPONENT"] in [list(c.value) for c in build if c.cmd == "ARG"]
    # The component's folder is the only workspace package copied besides common and protos.
    copied = {c.value[0] for c in build if c.cmd == "COPY"}
    assert "${COMPONENT}" in copied
    # The build refuses a component it does not know, by the names above and no others.
    guard = next(c for c in build if c.cmd == "RUN" and "COMPONENT" in c.value[0])
    assert set(re.findall(r"[\w-]+(?=[|)])", guard.value[0])) >= set(COMPONENTS)
    final = commands[commands.index(stages[-1]) :]
    users = [c.value[0] for c in final if c.cmd == "USER"]
    assert users, "the final stage sets a user"
    assert users[-1].split(":")[0] not in ("0", "root")
    health = next(c for c in final if c.cmd == "HEALTHCHECK")
    assert "tekana-healthcheck" in " ".join(health.value)
    entrypoint = next(c for c in final if c.cmd == "ENTRYPOINT")
    assert list(entrypoint.value) == ["tekana-serve"]


@pytest.mark.parametrize(("folder", "module"), COMPONENTS.items())
def test_each_component_installs_the_commands_the_image_runs(folder: str, module: str) -> None:
    project = tomllib.loads((REPO / folder / "pyproject.toml").read_text())
    scripts = project["project"]["scripts"]
    assert scripts == {
        "tekana-serve": f"{module}.__main__:main",
        "tekana-healthcheck": f"{module}.__main__:healthcheck",
    }
    entry = importlib.import_module(f"{module}.__main__")
    assert callable(entry.main)
    assert callable(entry.healthcheck)


def test_a_healthcheck_fails_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from tekana_wallet.__main__ import healthcheck

    # Port 1 on loopback: nothing listens there.
    monkeypatch.setenv("TEKANA_GRPC_PORT", "1")
    assert healthcheck() == 1


def test_the_build_context_is_sources_only() -> None:
    lines = (REPO / ".dockerignore").read_text().split("\n")
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*", "everything is left out unless named"
    admitted = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    assert admitted == {
        "requirements-runtime.txt",
        "constraints.txt",
        "wheels",  # present only in builds without an index
        "common",
        "protos",
        *COMPONENTS,
    }


def test_the_compose_file_is_valid() -> None:
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.fail("docker-compose is missing: ./taskw system-tools installs it")
    checked = subprocess.run(
        [compose, "-f", str(REPO / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    services = subprocess.run(
        [compose, "-f", str(REPO / "compose.yaml"), "config", "--services"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert set(services) == {
        "postgres",
        "redis",
        "customer",
        "wallet",
        "transaction",
        "gateway",
        "prometheus",  # with --profile monitoring only
    }
