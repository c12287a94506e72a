"""A real one-node cluster (tools/cluster, `./taskw cluster:up`): kubelet, containerd and
kube-proxy inside a network namespace this test makes, pods that run our locally made
images, Services that route, and names that resolve."""

import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config

from tekana_devstack.cluster import images, node
from tekana_devstack.cluster.layout import BASE_IMAGE, NODE_NAME, Network, State, missing_programs
from tekana_devstack.jwt_keys import generate_key_pair

# Apart from a developer's own cluster (index 0).
NETWORK = Network(index=3)
NAMESPACE = "default"


def _namespaces_possible() -> str:
    """Why this machine cannot make a network namespace, or '' when it can."""
    probe = f"tekana-probe-{uuid.uuid4().hex[:8]}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return made.stderr.strip() or "ip netns add failed"
    subprocess.run(["ip", "netns", "del", probe], check=False)
    return ""


@pytest.fixture(scope="module")
def node_possible() -> None:
    why = _namespaces_possible()
    if why:
        pytest.skip(f"network namespaces are impossible here: {why}")
    missing = missing_programs()
    if missing:
        pytest.fail(f"missing {missing}: ./taskw system-tools builds and installs them")


@pytest.fixture(scope="module")
def cluster(node_possible: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[State]:
    state = State(tmp_path_factory.mktemp("cluster"))
    started = time.monotonic()
    node.start(NETWORK, state)
    print(f"node Ready {time.monotonic() - started:.1f} s after start")
    try:
        images.load_archive(state, images.base_archive())
        yield state
    finally:
        node.stop(NETWORK, state)


@pytest.fixture(scope="module")
def core(cluster: State) -> Any:
    """The core API (as Any: the client types every field Optional, and the test asserts
    on each field it reads)."""
    api_client: client.ApiClient = config.new_client_from_config(  # type: ignore[no-untyped-call]
        str(cluster.kubeconfig)
    )
    return client.CoreV1Api(api_client)


def _eventually(check: Callable[[], Any], *, seconds: float = 90, what: str) -> Any:
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds:.0f} s (last: {last!r})")


def _pod(name: str, command: list[str], *, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": "main",
                    "image": BASE_IMAGE,
                    "imagePullPolicy": "Never",
                    "command": command,
                }
            ],
        },
    }


def _node_port_service(core: Any, app: str, *, port: int, target: int) -> None:
    """A NodePort Service named ``app`` over the pods labelled ``app``."""
    core.create_namespaced_service(
        NAMESPACE,
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": app},
            "spec": {
                "type": "NodePort",
                "selector": {"app": app},
                "ports": [{"port": port, "targetPort": target}],
            },
        },
    )


def _phase(core: Any, name: str) -> str:
    return str(core.read_namespaced_pod(name, NAMESPACE).status.phase)


def test_the_node_is_ready_on_containerd(core: Any) -> None:
    found = core.read_node(NODE_NAME)
    ready = {c.type: c.status for c in found.status.conditions}
    assert ready["Ready"] == "True"
    assert found.status.node_info.container_runtime_version.startswith("containerd://")
    assert found.status.addresses[0].address == NETWORK.node_ip


def test_a_pod_serves_through_a_service_by_name_and_a_node_port(core: Any) -> None:
    core.create_namespaced_pod(
        NAMESPACE,
        _pod("web", ["python3", "-m", "http.server", "8080"], labels={"app": "web"}),
    )
    _node_port_service(core, "web", port=80, target=8080)
    _eventually(lambda: _phase(core, "web") == "Running", what="the web pod running")
    pod_ip = core.read_namespaced_pod("web", NAMESPACE).status.pod_ip
    assert pod_ip.startswith(NETWORK.pod_cidr.rsplit(".", 2)[0])

    # Another pod finds it by its short name (search domains) and through the Service's IP.
    fetch = "import urllib.request; print(urllib.request.urlopen('http://web/', timeout=5).status)"
    core.create_namespaced_pod(NAMESPACE, _pod("client", ["python3", "-c", fetch]))
    phase = _eventually(
        lambda: (p := _phase(core, "client")) in ("Succeeded", "Failed") and p,
        what="the client pod finished",
    )
    log = core.read_namespaced_pod_log("client", NAMESPACE)
    assert (phase, log.strip()) == ("Succeeded", "200")

    # The host reaches it only through the namespace's own address.
    node_port = core.read_namespaced_service("web", NAMESPACE).spec.ports[0].node_port
    url = f"http://{NETWORK.node_ip}:{node_port}/"
    status = _eventually(lambda: _get(url), seconds=30, what="the node port answering")
    assert status == 200


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (our node's address)
            return int(response.status)
    except OSError:
        return 0


def test_stopping_leaves_nothing_behind(node_possible: None, tmp_path: Path) -> None:
    network = Network(index=4)
    state = State(tmp_path / "short-lived")
    node.start(network, state)
    pid_files = sorted((state.root / "pids").glob("*.pid"))
    assert [p.stem for p in pid_files] == [
        "containerd", "dns-sync", "dnsmasq", "etcd", "kube-apiserver",
        "kube-controller-manager", "kube-proxy", "kube-scheduler", "kubelet",
    ]  # fmt: skip
    started = [int(p.read_text()) for p in pid_files]
    node.stop(network, state)
    assert [pid for pid in started if node.running(pid)] == []
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert network.namespace not in namespaces
    assert not [p for p in (state.root / "pids").glob("*.pid")]
    mounts = Path("/proc/mounts").read_text()
    assert str(state.root) not in mounts


def test_our_image_built_offline_runs_on_the_node(cluster: State, core: Any) -> None:
    # Built by podman with no network (wheels made here), from the repository's Dockerfile.
    images.load_archive(cluster, images.build_image("gateway"))
    _, public_pem = generate_key_pair()
    env = {
        "TEKANA_HTTP_HOST": "0.0.0.0",  # noqa: S104 (inside the pod's own namespace)
        "TEKANA_INTERNAL_TOKEN": "cluster-test-token",
        "TEKANA_JWT_PUBLIC_KEY": public_pem.decode(),
    }
    core.create_namespaced_pod(
        NAMESPACE,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "gateway", "labels": {"app": "gateway"}},
            "spec": {
                "containers": [
                    {
                        "name": "gateway",
                        "image": images.image_name("gateway"),
                        "imagePullPolicy": "Never",
                        "env": [{"name": k, "value": v} for k, v in env.items()],
                        "readinessProbe": {"httpGet": {"path": "/health", "port": 3000}},
                    }
                ]
            },
        },
    )
    _node_port_service(core, "gateway", port=3000, target=3000)

    def ready() -> bool:
        statuses = core.read_namespaced_pod("gateway", NAMESPACE).status.container_statuses
        return bool(statuses and statuses[0].ready)

    _eventually(ready, seconds=120, what="the gateway pod ready")
    pod = core.read_namespaced_pod("gateway", NAMESPACE)
    assert pod.status.container_statuses[0].image.endswith("tekana/gateway:dev")
    node_port = core.read_namespaced_service("gateway", NAMESPACE).spec.ports[0].node_port
    url = f"http://{NETWORK.node_ip}:{node_port}/health"
    assert _eventually(lambda: _get(url), seconds=30, what="/health through the node") == 200
