"""Where a local cluster lives: its network namespace and addresses, its state directory,
and the cached programs it runs. Everything it serves is inside the namespace; the host
reaches it only through the namespace's own veth pair."""

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tekana_devstack.paths import STATE_DIR

BIN = Path(os.environ.get("TEKANA_ENVTEST_DIR", Path.home() / ".cache" / "tekana-envtest")) / "bin"
CACHE = Path(os.environ.get("TEKANA_CLUSTER_CACHE", Path.home() / ".cache" / "tekana-cluster"))
PROGRAMS = (
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "pause",
    "kubectl",
)
HOST_PROGRAMS = ("etcd", "containerd", "runc", "ctr", "podman", "dnsmasq", "conntrack", "ip")
CNI_BIN = Path("/usr/lib/cni")
NODE_NAME = "tekana-node"
CLUSTER_DOMAIN = "cluster.local"
PAUSE_IMAGE = "localhost/tekana/pause:1.20"
BASE_IMAGE = "localhost/tekana/python:3.11-bookworm"
POSTGRES_BASE_IMAGE = "localhost/tekana/postgresql-base:15-bookworm"
REDIS_BASE_IMAGE = "localhost/tekana/redis-base:7-bookworm"


@dataclass(frozen=True)
class Network:
    """One cluster's namespace and the addresses inside it (``index`` keeps two apart)."""

    index: int = 0

    @property
    def namespace(self) -> str:
        return f"tekana-node{self.index}"

    @property
    def host_link(self) -> str:
        return f"tkn{self.index}-host"

    @property
    def node_link(self) -> str:
        return f"tkn{self.index}-node"

    @property
    def host_ip(self) -> str:
        return f"10.{199 - 3 * self.index}.0.1"

    @property
    def node_ip(self) -> str:
        """The node's address: the API server, NodePorts and DNS answer here."""
        return f"10.{199 - 3 * self.index}.0.2"

    @property
    def pod_cidr(self) -> str:
        return f"10.{198 - 3 * self.index}.0.0/24"

    @property
    def service_cidr(self) -> str:
        return f"10.{197 - 3 * self.index}.0.0/24"

    @property
    def api_url(self) -> str:
        return f"https://{self.node_ip}:6443"


@dataclass(frozen=True)
class State:
    """A cluster's files: configuration, data, logs and the pids of what it runs."""

    root: Path

    @classmethod
    def default(cls) -> "State":
        return cls(STATE_DIR / "cluster")

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    @property
    def kubeconfig(self) -> Path:
        return self.root / "kubeconfig"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def sockets(self) -> Path:
        """A short directory for this state's sockets (a unix socket's path is at most 104
        bytes, and a state directory can be deep)."""
        digest = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:12]
        return Path("/run/tekana-cluster") / digest

    @property
    def containerd_socket(self) -> Path:
        return self.sockets / "containerd.sock"


def missing_programs() -> list[str]:
    """What this machine lacks to run a cluster (``./taskw system-tools`` provides it)."""
    missing = [str(BIN / p) for p in PROGRAMS if not (BIN / p).exists()]
    missing += [p for p in HOST_PROGRAMS if shutil.which(p) is None]
    missing += [
        str(CNI_BIN / p)
        for p in ("bridge", "host-local", "loopback", "portmap")
        if not (CNI_BIN / p).exists()
    ]
    return missing
