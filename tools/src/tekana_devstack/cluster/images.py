"""Images for the local cluster. No registry is reachable, so every image is made here and
imported into the node's containerd: the pod sandbox (``pause``, compiled from the same
Kubernetes source), and later our own, built by podman."""

import io
import subprocess
import tarfile
from pathlib import Path

from tekana_devstack.cluster.layout import BASE_IMAGE, BIN, CACHE, PAUSE_IMAGE, State

BASE_ROOTFS = CACHE / "debian-bookworm.tar"  # made by tools/cluster/build-base-rootfs.sh


def _ctr(state: State, *args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["ctr", "--address", str(state.containerd_socket), "--namespace", "k8s.io", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ctr {' '.join(args)}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def _podman(*args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(["podman", *args], input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args)}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def _pause_archive() -> Path:
    """The pause image as a docker archive, made once."""
    archive = CACHE / "pause.tar"
    if archive.exists():
        return archive
    root = io.BytesIO()
    with tarfile.open(fileobj=root, mode="w") as tar:
        info = tar.gettarinfo(str(BIN / "pause"), arcname="pause")
        info.uid = info.gid = 0
        with (BIN / "pause").open("rb") as binary:
            tar.addfile(info, binary)
    _podman("import", "--change", 'ENTRYPOINT ["/pause"]', "-", PAUSE_IMAGE, stdin=root.getvalue())
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".part")
    _podman("save", "--format", "docker-archive", "--output", str(partial), PAUSE_IMAGE)
    partial.rename(archive)
    return archive


def load_archive(state: State, archive: Path) -> None:
    """Import a docker archive into the node, under the names it was saved with."""
    _ctr(state, "images", "import", str(archive))


def load_pause_image(state: State) -> None:
    load_archive(state, _pause_archive())


def base_archive() -> Path:
    """The Debian base (Python 3.11, PostgreSQL 15) as a docker archive, made once; it is in
    podman's storage too, for image builds to start from."""
    archive = CACHE / "debian-bookworm-image.tar"
    if archive.exists():
        return archive
    if not BASE_ROOTFS.exists():
        raise RuntimeError(f"{BASE_ROOTFS} is missing: ./taskw system-tools makes it")
    subprocess.run(
        ["podman", "import", str(BASE_ROOTFS), BASE_IMAGE], check=True, capture_output=True
    )
    partial = archive.with_suffix(".part")
    _podman("save", "--format", "docker-archive", "--output", str(partial), BASE_IMAGE)
    partial.rename(archive)
    return archive
