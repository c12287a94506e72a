"""Generate betterproto2 + grpclib code from every .proto, or check the committed copy is fresh."""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tekana_devstack.paths import PROTO_ROOT

PLUGIN_OPTIONS = "client_generation=async,server_generation=async"


def _proto_files() -> list[str]:
    return sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.glob("tekana/**/*.proto"))


def generate(out: Path) -> None:
    """Replace ``out`` with freshly generated code."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "gen"
        staging.mkdir()
        _run_protoc(staging)
        (staging / "py.typed").touch()
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(staging, out)


def check(committed: Path) -> int:
    """0 when ``committed`` equals what the protos generate now, else 1 with the differences."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "gen"
        generate(fresh)
        differences = _differences(filecmp.dircmp(fresh, committed, ignore=["__pycache__"]))
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


def _run_protoc(out: Path) -> None:
    # protoc finds the plugin on PATH; it sits beside this interpreter in the venv.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    # The plugin narrates each file on stderr; show that only when something failed.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            f"--python_betterproto2_out={out}",
            f"--python_betterproto2_opt={PLUGIN_OPTIONS}",
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
