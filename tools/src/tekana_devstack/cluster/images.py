"""Images for the local cluster. No registry is reachable, so every image is made here and
imported into the node's containerd: the pod sandbox (``pause``, compiled from the same
Kubernetes source), and later our own, built by podman."""

import hashlib
import io
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tekana_devstack.cluster.layout import (
    BASE_IMAGE,
    BIN,
    CACHE,
    PAUSE_IMAGE,
    POSTGRES_BASE_IMAGE,
    REDIS_BASE_IMAGE,
    State,
)
from tekana_devstack.paths import REPO_ROOT

COMPONENTS = ("gateway", "svc-customer", "svc-wallet", "svc-transaction", "operator")
# Beside the pins: what pip needs to build the workspace packages without an index, and
# what the base's Python (Debian's 3.11.2) needs that this machine's newer 3.11 does not
# (redis requires async-timeout below 3.11.3).
EXTRA_WHEELS = ("setuptools==84.2.1", "wheel==0.45.1", "async-timeout==5.0.1")

# Root filesystems made by tools/cluster/build-rootfs.sh (./taskw system-tools).
ROOTFS = {BASE_IMAGE: "python", POSTGRES_BASE_IMAGE: "postgresql", REDIS_BASE_IMAGE: "redis"}
# Our images, by workspace folder.
IMAGES = {
    "gateway": "gateway",
    "svc-customer": "customer",
    "svc-wallet": "wallet",
    "svc-transaction": "transaction",
    "operator": "operator",
}
IMAGE_REGISTRY, IMAGE_TAG = "localhost/tekana", "dev"
POSTGRES_IMAGE = "localhost/tekana/postgres:15"
REDIS_IMAGE = "localhost/tekana/redis:7"


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


def tag_in_node(state: State, tag: str) -> list[str]:
    """Our images, already in the node, under ``tag`` too (a release to roll out to, with
    nothing new to load); the names tagged."""
    tagged = []
    for component in IMAGES:
        target = f"{IMAGE_REGISTRY}/{IMAGES[component]}:{tag}"
        _ctr(state, "images", "tag", "--force", image_name(component), target)
        tagged.append(target)
    return tagged


def load_pause_image(state: State) -> None:
    load_archive(state, _pause_archive())


def rootfs_image(image: str) -> None:
    """Put ``image`` (one of ROOTFS) into podman's storage from its root filesystem, once."""
    if subprocess.run(["podman", "image", "exists", image], check=False).returncode == 0:
        return
    rootfs = CACHE / f"debian-bookworm-{ROOTFS[image]}.tar"
    if not rootfs.exists():
        raise RuntimeError(f"{rootfs} is missing: ./taskw system-tools makes it")
    _podman("import", str(rootfs), image)


def base_archive() -> Path:
    """The Debian base (Python 3.11) as a docker archive, made once."""
    archive = CACHE / "debian-bookworm-python-image.tar"
    if archive.exists():
        return archive
    rootfs_image(BASE_IMAGE)
    partial = archive.with_suffix(".part")
    _podman("save", "--format", "docker-archive", "--output", str(partial), BASE_IMAGE)
    partial.rename(archive)
    return archive


def wheels() -> Path:
    """Every run-time dependency as a wheel, built here once per set of pins, so that image
    builds need no network and none of this machine's certificates."""
    pins = [REPO_ROOT / "requirements-runtime.txt", REPO_ROOT / "constraints.txt"]
    wanted = b"".join(p.read_bytes() for p in pins) + " ".join(EXTRA_WHEELS).encode()
    digest = hashlib.sha256(wanted).hexdigest()[:16]
    directory = CACHE / f"wheels-{digest}"
    if directory.exists():
        return directory
    partial = directory.with_name(directory.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(partial),
         "-r", str(pins[0]), "-c", str(pins[1]), *EXTRA_WHEELS],
        check=True,
    )  # fmt: skip
    partial.rename(directory)
    return directory


def _context(into: Path) -> Path:
    """The build context the Dockerfile expects (what .dockerignore admits), plus wheels/."""
    for name in ("Dockerfile", ".dockerignore", "requirements-runtime.txt", "constraints.txt"):
        shutil.copy2(REPO_ROOT / name, into / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for folder in ("common", "protos", *COMPONENTS):
        shutil.copytree(REPO_ROOT / folder, into / folder, ignore=ignore)
    shutil.copytree(wheels(), into / "wheels")
    return into


# runc here refuses a build's process limit above this, whatever the caller's own limit.
_BUILD_PROCESSES = 32_768


def _ulimits() -> list[str]:
    """podman's default limits for a build's processes are above what this process may
    grant (it lacks CAP_SYS_RESOURCE): ask for no more than it has."""
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    processes = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], _BUILD_PROCESSES)
    return [
        "--ulimit", f"nofile={files}:{files}", "--ulimit", f"nproc={processes}:{processes}",
    ]  # fmt: skip


def image_name(component: str) -> str:
    return f"{IMAGE_REGISTRY}/{IMAGES[component]}:{IMAGE_TAG}"


def _build(context: Path, tag: str, *build_args: str, file: str = "Dockerfile") -> None:
    _podman(
        "build", "--quiet", "--runtime", "runc", "--network", "none", *_ulimits(),
        *(arg for value in build_args for arg in ("--build-arg", value)),
        "--file", str(context / file), "--tag", tag, str(context),
    )  # fmt: skip


def build_image(component: str) -> str:
    """Build ``component``'s image from the repository's Dockerfile with podman, offline,
    on the local base; its name."""
    rootfs_image(BASE_IMAGE)
    with tempfile.TemporaryDirectory(prefix="tekana-image-") as directory:
        _build(
            _context(Path(directory)), image_name(component),
            f"COMPONENT={component}", f"BASE={BASE_IMAGE}",
            "PIP_OPTIONS=--no-index --find-links /src",
        )  # fmt: skip
    return image_name(component)


def build_postgres_image() -> str:
    """The managed database's image: Debian's PostgreSQL 15 (tools/cluster/postgres)."""
    rootfs_image(POSTGRES_BASE_IMAGE)
    _build(REPO_ROOT / "tools" / "cluster" / "postgres", POSTGRES_IMAGE,
           f"BASE={POSTGRES_BASE_IMAGE}", file="Containerfile")  # fmt: skip
    return POSTGRES_IMAGE


def build_redis_image() -> str:
    """The Redis a stack runs for its login limits: Debian's (tools/cluster/redis)."""
    rootfs_image(REDIS_BASE_IMAGE)
    _build(REPO_ROOT / "tools" / "cluster" / "redis", REDIS_IMAGE,
           f"BASE={REDIS_BASE_IMAGE}", file="Containerfile")  # fmt: skip
    return REDIS_IMAGE


def build_all() -> Path:
    """Every image a TekanaStack runs, and the operator's, built (podman's layer cache makes
    a rebuild of unchanged sources quick) and saved as one docker archive: the layers
    they share are in it once."""
    names = [build_image(component) for component in IMAGES]
    names += [build_postgres_image(), build_redis_image()]
    ids = _podman("image", "inspect", "--format", "{{.Id}}", *names)
    archive = CACHE / "images" / f"tekana-{hashlib.sha256(ids).hexdigest()[:16]}.tar"
    if archive.exists():
        return archive  # the same images as last time
    shutil.rmtree(archive.parent, ignore_errors=True)
    archive.parent.mkdir(parents=True)
    partial = archive.with_suffix(".part")
    _podman("save", "--multi-image-archive", "--format", "docker-archive",
            "--output", str(partial), *names)  # fmt: skip
    partial.rename(archive)
    return archive
