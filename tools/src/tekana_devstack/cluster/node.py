"""Start and stop a local one-node cluster. Every program runs inside a network namespace
made for it (its own loopback, bridge, pod and service ranges, iptables and DNS); the host
reaches the node through one veth pair. Programs are started detached, their pids kept in
the state directory, so ``cluster:up`` returns once the node is Ready and ``cluster:down``
stops everything it started, from any shell."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tekana_devstack.cluster import configs
from tekana_devstack.cluster.api import ApiError, certificate, get
from tekana_devstack.cluster.images import load_pause_image
from tekana_devstack.cluster.layout import (
    BIN,
    CLUSTER_DOMAIN,
    NODE_NAME,
    Network,
    State,
    missing_programs,
)

READY_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 15


class ClusterError(RuntimeError):
    pass


def _ip(*args: str, check: bool = True) -> None:
    subprocess.run(["ip", *args], check=check, capture_output=True)


def _inside(network: Network, *args: str) -> list[str]:
    # nsenter, not `ip netns exec`: that also remounts /sys, hiding the cgroup hierarchies
    # the kubelet and runc need.
    return ["nsenter", f"--net=/run/netns/{network.namespace}", "--", *args]


def make_namespace(network: Network) -> None:
    """The namespace and its veth pair; the node side holds the node's address."""
    remove_namespace(network)
    _ip("netns", "add", network.namespace)
    _ip("link", "add", network.host_link, "type", "veth", "peer", "name", network.node_link)
    _ip("link", "set", network.node_link, "netns", network.namespace)
    _ip("addr", "add", f"{network.host_ip}/24", "dev", network.host_link)
    _ip("link", "set", network.host_link, "up")
    ns = ("-n", network.namespace)
    _ip(*ns, "addr", "add", f"{network.node_ip}/24", "dev", network.node_link)
    _ip(*ns, "link", "set", network.node_link, "up")
    _ip(*ns, "link", "set", "lo", "up")
    # The host answers nothing routed through it: the node's default route is its own link.
    _ip(*ns, "route", "add", "default", "dev", network.node_link)
    # The host reaches Services' cluster IPs and pods (as a node's neighbour would): only
    # through the node, whose kube-proxy rules answer them.
    for cidr in (network.service_cidr, network.pod_cidr):
        _ip("route", "add", cidr, "via", network.node_ip)
    for setting in ("net.ipv4.ip_forward=1", "net.bridge.bridge-nf-call-iptables=1"):
        subprocess.run(_inside(network, "sysctl", "-qw", setting), check=False)


def remove_namespace(network: Network) -> None:
    _ip("link", "del", network.host_link, check=False)
    _ip("netns", "del", network.namespace, check=False)


def _spawn(
    network: Network, state: State, name: str, args: list[str], env: dict[str, str] | None = None
) -> None:
    state.logs.mkdir(parents=True, exist_ok=True)
    with (state.logs / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(
            _inside(network, *args),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    state.path("pids").mkdir(exist_ok=True)
    state.path("pids", f"{name}.pid").write_text(str(process.pid))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _wait(what: str, ready: Callable[[], bool], state: State, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    tails = "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}"
        for log in sorted(state.logs.glob("*.log"))
    )
    raise ClusterError(f"{what} within {timeout:.0f} s failed; logs:\n{tails}")


def _api_up(network: Network, state: State) -> bool:
    try:
        answer: object = get(network, state, "/healthz", verify=False)
    except ApiError:
        return False
    return answer == "ok"


def _node_ready(network: Network, state: State) -> bool:
    try:
        node = get(network, state, f"/api/v1/nodes/{NODE_NAME}")
    except ApiError:
        return False
    conditions = node.get("status", {}).get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def start(network: Network, state: State) -> None:
    """Bring the node up and return once it is Ready (``ClusterError`` with the logs if not)."""
    missing = missing_programs()
    if missing:
        raise ClusterError(f"missing (./taskw system-tools builds them): {', '.join(missing)}")
    stop(network, state)
    # Each start is a new cluster: an old etcd would hold an old Node, Ready already.
    # containerd's root is kept, and with it every image already imported.
    for data in ("etcd", "kubelet", "kubelet-certs", "dns", "volumes"):
        shutil.rmtree(state.path(data), ignore_errors=True)
    make_namespace(network)
    private_key, public_key = configs.service_account_keys(state.path("certs"))
    tokens = _write(state.path("tokens.csv"), configs.tokens())
    state.sockets.mkdir(parents=True, exist_ok=True)
    containerd_config = _write(state.path("containerd", "config.toml"), configs.containerd(state))
    _write(state.path("cni", "10-tekana.conflist"), configs.cni(network))
    resolv = _write(state.path("resolv.conf"), configs.resolv_conf(network))
    _write(state.path("dns", "hosts"), "")
    ip = network.node_ip
    _spawn(
        network,
        state,
        "etcd",
        [
            "etcd",
            f"--data-dir={state.path('etcd')}",
            "--listen-client-urls=http://127.0.0.1:2379",
            "--advertise-client-urls=http://127.0.0.1:2379",
            "--listen-peer-urls=http://127.0.0.1:2380",
        ],
    )
    _spawn(
        network,
        state,
        "kube-apiserver",
        [
            str(BIN / "kube-apiserver"),
            "--etcd-servers=http://127.0.0.1:2379",
            "--secure-port=6443",
            "--bind-address=0.0.0.0",
            f"--advertise-address={ip}",
            f"--cert-dir={state.path('certs')}",
            f"--token-auth-file={tokens}",
            f"--service-cluster-ip-range={network.service_cidr}",
            "--authorization-mode=AlwaysAllow",
            "--allow-privileged=true",
            "--service-account-issuer=https://kubernetes.default.svc",
            f"--service-account-key-file={public_key}",
            f"--service-account-signing-key-file={private_key}",
            "--kubelet-preferred-address-types=InternalIP",
        ],
    )
    _wait("the API server's start", lambda: _api_up(network, state), state, 60)
    kubeconfig = _write(state.kubeconfig, configs.kubeconfig(network.api_url, certificate(state)))
    _spawn(
        network,
        state,
        "kube-controller-manager",
        [
            str(BIN / "kube-controller-manager"),
            f"--kubeconfig={kubeconfig}",
            "--leader-elect=false",
            "--port=0",
            "--secure-port=0",
            f"--service-account-private-key-file={private_key}",
            f"--root-ca-file={certificate(state)}",
            "--use-service-account-credentials=false",
        ],
    )
    _spawn(
        network,
        state,
        "kube-scheduler",
        [
            str(BIN / "kube-scheduler"),
            f"--kubeconfig={kubeconfig}",
            "--leader-elect=false",
            "--port=0",
            "--bind-address=127.0.0.1",
        ],
    )
    _spawn(network, state, "containerd", ["containerd", f"--config={containerd_config}"])
    _wait("containerd's start", state.containerd_socket.exists, state, 30)
    load_pause_image(state)
    _spawn(
        network,
        state,
        "kubelet",
        [
            str(BIN / "kubelet"),
            f"--kubeconfig={kubeconfig}",
            "--container-runtime=remote",
            f"--container-runtime-endpoint=unix://{state.containerd_socket}",
            f"--root-dir={state.path('kubelet')}",
            f"--cert-dir={state.path('kubelet-certs')}",
            f"--hostname-override={NODE_NAME}",
            f"--node-ip={ip}",
            f"--cluster-dns={ip}",
            f"--cluster-domain={CLUSTER_DOMAIN}",
            f"--resolv-conf={resolv}",
            "--fail-swap-on=false",
            "--cgroup-driver=cgroupfs",
            "--cgroups-per-qos=false",
            "--enforce-node-allocatable=",
            "--anonymous-auth=true",
            "--authorization-mode=AlwaysAllow",
            "--eviction-hard=memory.available<100Mi,nodefs.available<1%,imagefs.available<1%",
            "--image-gc-high-threshold=100",
            "--serialize-image-pulls=false",
            "--read-only-port=0",
            "--node-status-update-frequency=2s",
            "--healthz-bind-address=127.0.0.1",
        ],
        # The in-tree registry credential providers would ask cloud metadata addresses,
        # which nothing here answers: each ask costs a timeout at start.
        env={"AWS_EC2_METADATA_DISABLED": "true"},
    )
    _spawn(
        network,
        state,
        "kube-proxy",
        [
            str(BIN / "kube-proxy"),
            f"--kubeconfig={kubeconfig}",
            f"--hostname-override={NODE_NAME}",
            f"--cluster-cidr={network.pod_cidr}",
            "--proxy-mode=iptables",
            "--conntrack-max-per-core=0",
            "--metrics-bind-address=127.0.0.1:10249",
            "--healthz-bind-address=127.0.0.1:10256",
        ],
    )
    _spawn(
        network,
        state,
        "dnsmasq",
        [
            "dnsmasq",
            "--keep-in-foreground",
            "--no-resolv",
            "--no-hosts",
            "--user=root",
            f"--addn-hosts={state.path('dns', 'hosts')}",
            f"--listen-address={ip}",
            f"--local=/{CLUSTER_DOMAIN}/",
            "--bind-interfaces",
            "--log-facility=-",
        ],
    )
    for loop in ("dns", "volumes"):
        _spawn(
            network,
            state,
            f"{loop}-sync",
            [
                sys.executable,
                "-m",
                "tekana_devstack",
                "cluster",
                loop,
                f"--index={network.index}",
                f"--state={state.root}",
            ],
        )
    _wait("the node's readiness", lambda: _node_ready(network, state), state, READY_TIMEOUT_SECONDS)


def _pids(state: State) -> dict[str, int]:
    found = {}
    for pid_file in sorted(state.path("pids").glob("*.pid")):
        try:
            found[pid_file.stem] = int(pid_file.read_text())
        except ValueError:
            continue
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` still runs: reaped here when it is this process's child, and a
    zombie of another parent counts as gone."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop(network: Network, state: State) -> None:
    """Stop everything the cluster started (pods included) and remove its namespace."""
    pids = _pids(state) if state.path("pids").exists() else {}
    for pid in pids.values():
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while any(running(p) for p in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    # Whatever is still in the namespace (containers' shims) and everything they started:
    # the containers' processes live in pod namespaces of their own, and a shim killed
    # first would leave them running, adopted by init.
    listed = subprocess.run(
        ["ip", "netns", "pids", network.namespace], capture_output=True, text=True, check=False
    )
    leftover = sorted(with_descendants({*pids.values(), *map(int, listed.stdout.split())}))
    for pid in leftover:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while any(running(p) for p in leftover) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid_file in state.path("pids").glob("*.pid") if state.path("pids").exists() else []:
        pid_file.unlink()
    _unmount_under(state.root)
    shutil.rmtree(state.sockets, ignore_errors=True)
    remove_namespace(network)


def with_descendants(roots: set[int]) -> set[int]:
    """``roots`` and every process below them, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (command) state ppid ...": the command may hold spaces and parentheses.
            after = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        children.setdefault(int(after[1]), []).append(int(stat.parent.name))
    found, waiting = set(roots), list(roots)
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


def _unmount_under(root: Path) -> None:
    """Unmount what the kubelet and containerd mounted under the state directory."""
    mounts = Path("/proc/mounts").read_text().splitlines()
    points = sorted(
        (line.split()[1] for line in mounts if line.split()[1].startswith(str(root))),
        key=len,
        reverse=True,
    )
    for point in points:
        subprocess.run(["umount", "-l", point], check=False, capture_output=True)
