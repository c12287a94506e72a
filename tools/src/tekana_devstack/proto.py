"""Generate Python code from every .proto, or check the committed copy is fresh.

Two packages come out under one root: ``tekana_protos`` (betterproto2 messages and grpclib
stubs, what the services are written against) and ``tekana`` (protoc's own Python classes,
backed by the upb C runtime), used for the replies that carry long lists, where
betterproto2's pure-Python codec cost milliseconds per reply (decision 0017).
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tekana_devstack.paths import PROTO_ROOT

PLUGIN_OPTIONS = "client_generation=async,server_generation=async"
# The packages generate() writes under its root; each is replaced whole.
PACKAGES = ("tekana_protos", "tekana")


def _proto_files() -> list[str]:
    return sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.glob("tekana/**/*.proto"))


def generate(root: Path) -> None:
    """Replace the generated packages under ``root`` with freshly generated code."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        betterproto = staging / PACKAGES[0]
        betterproto.mkdir()
        _run_protoc(
            f"--python_betterproto2_out={betterproto}",
            f"--python_betterproto2_opt={PLUGIN_OPTIONS}",
        )
        _run_protoc(f"--python_out={staging}", f"--pyi_out={staging}")
        upb = staging / PACKAGES[1]
        # protoc writes modules only; packages make them importable by an installed wheel too.
        for directory in [upb, *(p for p in upb.rglob("*") if p.is_dir())]:
            (directory / "__init__.py").touch()
        for package in PACKAGES:
            (staging / package / "py.typed").touch()
            target = root / package
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(staging / package, target)


def check(root: Path) -> int:
    """0 when the packages under ``root`` equal what the protos generate now, else 1 with
    the differences."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        differences: list[str] = []
        for package in PACKAGES:
            differences += _differences(
                filecmp.dircmp(fresh / package, root / package, ignore=["__pycache__"])
            )
    if differences:
        print("generated protobuf code is stale; run `./taskw proto`:", file=sys.stderr)
        for line in differences:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("generated protobuf code is up to date")
    return 0


def _differences(cmp: filecmp.dircmp[str]) -> list[str]:
    found = [f"only in generated: {cmp.left}/{n}" for n in cmp.left_only]
    found += [f"only in committed: {cmp.right}/{n}" for n in cmp.right_only]
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    found += [f"differs: {cmp.right}/{n}" for n in mismatch + errors]
    for sub in cmp.subdirs.values():
        found += _differences(sub)
    return found


def _run_protoc(*outputs: str) -> None:
    # protoc finds the plugin on PATH; it sits beside this interpreter in the venv.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    # The plugin narrates each file on stderr; show that only when something failed.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            *outputs,
            *_proto_files(),
        ],
        check=False,
        cwd=PROTO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"protoc failed with exit status {completed.returncode}")
