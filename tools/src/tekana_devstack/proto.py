"""Generate Python code from every .proto, or check the committed copy is fresh.

One package comes out, ``tekana``: protoc's own message classes (run by the upb C runtime)
with ``.pyi`` stubs for mypy, and grpclib's stubs and servicer bases (``*_grpc.py``, from the
protoc plugin grpclib ships). Decision 0023 says why there is no second codec.
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tekana_devstack.paths import PROTO_ROOT

PACKAGE = "tekana"


def _proto_files() -> list[str]:
    return sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.glob("tekana/**/*.proto"))


def generate(root: Path) -> None:
    """Replace the generated package under ``root`` with freshly generated code."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        _run_protoc(
            f"--python_out={staging}", f"--pyi_out={staging}", f"--grpclib_python_out={staging}"
        )
        package = staging / PACKAGE
        # grpclib's plugin writes a module for every file; those that declare no service hold
        # nothing but imports.
        for stubs in package.rglob("*_grpc.py"):
            if "class " not in stubs.read_text():
                stubs.unlink()
        # protoc writes modules only; packages make them importable by an installed wheel too.
        for directory in [package, *(p for p in package.rglob("*") if p.is_dir())]:
            (directory / "__init__.py").touch()
        (package / "py.typed").touch()
        target = root / PACKAGE
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(package, target)


def check(root: Path) -> int:
    """0 when the package under ``root`` equal what the protos generate now, else 1 with
    the differences."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        differences = _differences(
            filecmp.dircmp(fresh / PACKAGE, root / PACKAGE, ignore=["__pycache__"])
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
    # protoc finds grpclib's plugin on PATH; it sits beside this interpreter in the venv.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    # Show protoc's stderr only when something failed.
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
