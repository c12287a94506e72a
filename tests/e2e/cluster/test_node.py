"""A real one-node cluster (tools/cluster, `./taskw cluster:up`): kubelet, containerd and
kube-proxy inside a network namespace these tests make, pods that run our locally made
images, Services that route, names that resolve, and volumes for claims."""

import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from tekana_devstack.cluster import images, node
from tekana_devstack.cluster.layout import BASE_IMAGE, NODE_NAME, PAUSE_IMAGE, Network, State
from tekana_devstack.jwt_keys import generate_key_pair
from tests.support.cluster import NODE_NETWORK as NETWORK
from tests.support.cluster import eventually, kubectl

NAMESPACE = "default"


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
    eventually(lambda: _phase(core, "web") == "Running", what="the web pod running")
    pod_ip = core.read_namespaced_pod("web", NAMESPACE).status.pod_ip
    assert pod_ip.startswith(NETWORK.pod_cidr.rsplit(".", 2)[0])

    # Another pod finds it by its short name (search domains) and through the Service's IP.
    fetch = "import urllib.request; print(urllib.request.urlopen('http://web/', timeout=5).status)"
    core.create_namespaced_pod(NAMESPACE, _pod("client", ["python3", "-c", fetch]))
    phase = eventually(
        lambda: (p := _phase(core, "client")) in ("Succeeded", "Failed") and p,
        what="the client pod finished",
    )
    log = core.read_namespaced_pod_log("client", NAMESPACE)
    assert (phase, log.strip()) == ("Succeeded", "200")

    # The host reaches it only through the namespace's own address.
    node_port = core.read_namespaced_service("web", NAMESPACE).spec.ports[0].node_port
    url = f"http://{NETWORK.node_ip}:{node_port}/"
    status = eventually(lambda: _get(url), seconds=30, what="the node port answering")
    assert status == 200


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (our node's address)
            return int(response.status)
    except OSError:
        return 0


def _in_cgroup(container: str) -> list[int]:
    """The live processes whose cgroup is the container's (not the dead awaiting their
    reaping by init)."""
    found = []
    for path in Path("/proc").glob("[0-9]*/cgroup"):
        try:
            state = (path.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if container in path.read_text() and state != "Z":
                found.append(int(path.parent.name))
        except (OSError, IndexError):
            continue
    return found


def test_stopping_leaves_nothing_behind(node_possible: None, tmp_path: Path) -> None:
    network = Network(index=4)
    state = State(tmp_path / "short-lived")
    node.start(network, state)
    pid_files = sorted((state.root / "pids").glob("*.pid"))
    assert [p.stem for p in pid_files] == [
        "containerd", "dns-sync", "dnsmasq", "etcd", "kube-apiserver",
        "kube-controller-manager", "kube-proxy", "kube-scheduler", "kubelet", "volumes-sync",
    ]  # fmt: skip
    started = [int(p.read_text()) for p in pid_files]

    # A pod running: its container's processes live in namespaces of their own.
    def created() -> bool:
        # Until the controller manager has made the namespace's service account, refused.
        try:
            kubectl(state, "run", "sleeper", f"--image={PAUSE_IMAGE}", "--restart=Never",
                    "--image-pull-policy=Never", "-n", "default")  # fmt: skip
        except AssertionError:
            return False
        return True

    eventually(created, seconds=60, what="the pod created")
    container = eventually(
        lambda: kubectl(state, "get", "pod", "sleeper", "-n", "default", "-o",
                        "jsonpath={.status.containerStatuses[0].containerID}"),
        seconds=60, what="the pod's container running",
    ).removeprefix("containerd://")  # fmt: skip
    assert _in_cgroup(container)
    node.stop(network, state)
    assert [pid for pid in started if node.running(pid)] == []
    # The container's processes went too (killed; init may take a moment to reap them).
    eventually(lambda: not _in_cgroup(container), seconds=5, what="the container's processes gone")
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert network.namespace not in namespaces
    assert not [p for p in (state.root / "pids").glob("*.pid")]
    mounts = Path("/proc/mounts").read_text()
    assert str(state.root) not in mounts


def test_a_claim_gets_a_volume_of_its_own_and_loses_it_with_the_claim(
    cluster: State, core: Any
) -> None:
    core.create_namespaced_persistent_volume_claim(
        NAMESPACE,
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            },
        },
    )
    writer = _pod("writer", ["sh", "-c", "echo kept > /data/file"])
    writer["spec"]["securityContext"] = {"runAsUser": 999}
    writer["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    writer["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]
    core.create_namespaced_pod(NAMESPACE, writer)
    phase = eventually(
        lambda: (p := _phase(core, "writer")) in ("Succeeded", "Failed") and p,
        what="the writer pod finished",
    )
    assert phase == "Succeeded"
    claim = core.read_namespaced_persistent_volume_claim("data", NAMESPACE)
    assert claim.status.phase == "Bound"
    assert claim.spec.storage_class_name == "tekana-hostpath"  # the default class
    volume = core.read_persistent_volume(claim.spec.volume_name)
    written = Path(volume.spec.host_path.path) / "file"
    assert written.read_text() == "kept\n"

    # The class allows expansion: a claim that asks for more is given it.
    core.patch_namespaced_persistent_volume_claim(
        "data", NAMESPACE, {"spec": {"resources": {"requests": {"storage": "2Gi"}}}}
    )
    eventually(
        lambda: (
            core.read_namespaced_persistent_volume_claim("data", NAMESPACE).status.capacity
            == {"storage": "2Gi"}
        ),
        what="the claim grown",
    )
    assert core.read_persistent_volume(volume.metadata.name).spec.capacity == {"storage": "2Gi"}

    core.delete_namespaced_pod("writer", NAMESPACE)
    eventually(
        lambda: (
            not core.list_namespaced_pod(NAMESPACE, field_selector="metadata.name=writer").items
        ),
        what="the writer pod gone",
    )
    core.delete_namespaced_persistent_volume_claim("data", NAMESPACE)
    eventually(
        lambda: (
            not [
                v
                for v in core.list_persistent_volume().items
                if v.metadata.name == volume.metadata.name
            ]
        ),
        what="the volume deleted with its claim",
    )
    assert not written.parent.exists()


def test_our_image_built_offline_runs_on_the_node(cluster: State, core: Any) -> None:
    # Built by podman with no network (wheels made here), from the repository's Dockerfile,
    # and loaded by the cluster fixture.
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

    eventually(ready, seconds=120, what="the gateway pod ready")
    pod = core.read_namespaced_pod("gateway", NAMESPACE)
    assert pod.status.container_statuses[0].image.endswith("tekana/gateway:dev")
    node_port = core.read_namespaced_service("gateway", NAMESPACE).spec.ports[0].node_port
    url = f"http://{NETWORK.node_ip}:{node_port}/health"
    assert eventually(lambda: _get(url), seconds=30, what="/health through the node") == 200
