"""Dockerfiles (parsed with Docker's own parser) and the compose file (checked by
docker-compose) hold to the rules: multi-stage, pinned bases, non-root, health-checked."""

import re
import shutil
import subprocess
from pathlib import Path

import dockerfile
import pytest

from tekana_devstack import dockerfiles

REPO = Path(__file__).resolve().parents[2]
IMAGES = {
    "gateway": "tekana_gateway",
    "svc-customer": "tekana_customer",
    "svc-wallet": "tekana_wallet",
    "svc-transaction": "tekana_transaction",
    "operator": "tekana_operator",
}
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*( AS \w+)?$", re.IGNORECASE)


@pytest.mark.parametrize(("folder", "module"), IMAGES.items())
def test_each_component_has_a_hardened_multi_stage_dockerfile(folder: str, module: str) -> None:
    commands = dockerfile.parse_file(str(REPO / folder / "Dockerfile"))
    stages = [c for c in commands if c.cmd == "FROM"]
    assert len(stages) >= 2, "multi-stage"
    for stage in stages:
        assert PINNED.match(" ".join(stage.value)), f"unpinned base {stage.value}"
    final = commands[commands.index(stages[-1]) :]
    users = [c.value[0] for c in final if c.cmd == "USER"]
    assert users, "the final stage sets a user"
    assert users[-1].split(":")[0] not in ("0", "root")
    assert any(c.cmd == "HEALTHCHECK" for c in final)
    entrypoint = next(c for c in final if c.cmd == "ENTRYPOINT")
    assert list(entrypoint.value) == ["python", "-m", module]


def test_the_dockerfiles_are_rendered_from_the_template() -> None:
    for image in dockerfiles.IMAGES:
        assert image.path.read_text() == dockerfiles.render(image), "run ./taskw dockerfiles"


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
    assert set(services) == {"postgres", "redis", "customer", "wallet", "transaction", "gateway"}
