"""A TekanaStack on the real node: the operator, installed from the chart and running in
its own image, makes every part of the stack from our images; the stack is Ready in
under 90 s, and money moves through the gateway's Service and through nginx in front of
it (the ingress stand-in)."""

import asyncio
import base64
import json
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from grpclib.client import Channel
from grpclib.config import Configuration
from grpclib.exceptions import StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from kubernetes import client
from kubernetes.client.exceptions import ApiException
from prometheus_client.parser import text_string_to_metric_families

from tekana_common.settings import Transport
from tekana_devstack.cluster import images
from tekana_devstack.cluster.layout import BIN, State
from tekana_operator.reconcile import INPUTS_ANNOTATION
from tekana_operator.stack import COMPONENTS, GRPC_PORTS, HTTP_PORT, METRICS_PORT
from tests.support.api import NATIONAL_ID, PASSWORD, new_customer
from tests.support.cluster import eventually, kubectl
from tests.support.nginx import nginx
from tests.support.platform import free_port

REPO = Path(__file__).resolve().parents[3]
NAMESPACE = "tekana"
STACK = "demo"
READY_WITHIN_SECONDS = 90
RELEASE = "dev-next"  # the same images under another tag: a release to roll out
SMALL = {"requests": {"cpu": "50m", "memory": "96Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}
SPEC: dict[str, Any] = {
    "image": {"registry": images.IMAGE_REGISTRY, "tag": images.IMAGE_TAG, "pullPolicy": "Never"},
    "components": {c: {"replicas": 1, "resources": SMALL} for c in COMPONENTS},
    "database": {
        "mode": "managed",
        "managed": {
            "image": images.POSTGRES_IMAGE,
            "storageSize": "1Gi",
            "retainVolumeOnDelete": False,
        },
    },
    "testDeposits": True,
    # Login limits on, in a Redis the stack runs (the default), from the local image.
    "rateLimiting": {"redisImage": images.REDIS_IMAGE},
}


def _chart() -> str:
    """The chart's operator (CRD, RBAC, Deployment) on our operator image; no stack."""
    operator_image = images.image_name("operator")
    repository, tag = operator_image.rsplit(":", 1)
    return _run_helm(
        "template", "tekana", str(REPO / "helm" / "tekana"), "--namespace", NAMESPACE,
        "--include-crds", "--set", "stack.enabled=false",
        "--set", f"operator.image.repository={repository}", "--set", f"operator.image.tag={tag}",
        "--set", "operator.image.pullPolicy=Never",
    )  # fmt: skip


def _run_helm(*args: str) -> str:
    done = subprocess.run([str(BIN / "helm"), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _stack_ready(state: State) -> bool:
    columns = kubectl(state, "get", "tks", STACK, "-n", NAMESPACE, "--no-headers").split()
    return columns[1:2] == ["True"]


@pytest.fixture(scope="module")
def operator(cluster: State) -> State:
    kubectl(cluster, "create", "namespace", NAMESPACE)
    kubectl(cluster, "apply", "-n", NAMESPACE, "-f", "-", stdin=_chart())
    kubectl(
        cluster,
        "rollout",
        "status",
        "-n",
        NAMESPACE,
        "deployment/tekana-operator",
        "--timeout=120s",
    )
    return cluster


@pytest.fixture(scope="module")
def stack(operator: State) -> float:
    """The stack applied; the seconds it took to be Ready."""
    manifest = {
        "apiVersion": "tekana.io/v1alpha1",
        "kind": "TekanaStack",
        "metadata": {"name": STACK, "namespace": NAMESPACE},
        "spec": SPEC,
    }
    started = time.monotonic()
    kubectl(operator, "apply", "-f", "-", stdin=yaml.safe_dump(manifest))
    try:
        eventually(lambda: _stack_ready(operator), seconds=300, what="the stack Ready")
    except AssertionError:
        print(kubectl(operator, "get", "pods,jobs,tks", "-n", NAMESPACE, "-o", "wide"))
        print(kubectl(operator, "logs", "-n", NAMESPACE, "deployment/tekana-operator", "--tail=40"))
        raise
    return time.monotonic() - started


def test_the_stack_is_ready_within_90_seconds_with_every_pod_ready(
    stack: float, operator: State, core: Any
) -> None:
    print(f"stack Ready {stack:.1f} s after kubectl apply")
    assert stack < READY_WITHIN_SECONDS
    pods = core.list_namespaced_pod(NAMESPACE).items
    running = {
        p.metadata.labels.get("app.kubernetes.io/component")
        or p.metadata.labels.get("app.kubernetes.io/name")
        for p in pods
        if p.status.phase == "Running" and all(c.ready for c in p.status.container_statuses)
    }
    assert running >= {*COMPONENTS, "database", "tekana-operator"}
    # The migration Job ran once: it waited for the database instead of failing on it.
    (job,) = [j for j in kubectl(operator, "get", "jobs", "-n", NAMESPACE, "-o", "name").split()]
    assert kubectl(operator, "get", job, "-n", NAMESPACE, "-o", "jsonpath={.status.failed}") == ""


async def _money_moves(base_url: str) -> None:
    async with aiohttp.ClientSession(base_url=base_url) as http:
        customer = await new_customer(http)
        savings, spending = await customer.new_wallet(), await customer.new_wallet()
        await customer.deposit(savings, 10_000)
        moved = await customer.transfer(savings, spending, 2_500, key=uuid.uuid4().hex)
        assert moved.status == 201, await moved.text()
        assert (await customer.balance(savings), await customer.balance(spending)) == (7_500, 2_500)


def _gateway_address(core: Any) -> str:
    """The gateway Service's cluster IP and port, once the node routes it: kube-proxy
    programs a Service a moment after its endpoints are ready (until then, a connection
    is rejected: no route to host)."""
    service = core.read_namespaced_service(f"{STACK}-gateway", NAMESPACE)
    address = (service.spec.cluster_ip, HTTP_PORT)

    def routed() -> bool:
        try:
            socket.create_connection(address, timeout=2).close()
        except OSError:
            return False
        return True

    eventually(routed, seconds=30, what="the gateway's Service routed")
    return f"{address[0]}:{address[1]}"


async def test_money_moves_through_the_gateway_service(stack: float, core: Any) -> None:
    await _money_moves(f"http://{_gateway_address(core)}")


async def test_money_moves_through_nginx_in_front_of_the_service(
    stack: float, core: Any, tmp_path: Path
) -> None:
    listen = free_port()
    with nginx(tmp_path, listen, [_gateway_address(core)]):
        await _money_moves(f"http://127.0.0.1:{listen}")


class TransferLoad:
    """Transfers back and forth between two wallets of one customer, from a few workers,
    until stopped (bounded in time); every answer's status counted."""

    WORKERS = 6
    LONGEST_SECONDS = 240.0
    FUNDS = 1_000_000

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.statuses: dict[int, int] = {}
        self.failures: dict[str, int] = {}
        self.refusals: list[str] = []  # the first few answers other than 201, to show
        self._stop = asyncio.Event()

    async def __aenter__(self) -> "TransferLoad":
        self._http = aiohttp.ClientSession(base_url=self.base_url)
        self.customer = customer = await new_customer(self._http)
        first, second = await customer.new_wallet(), await customer.new_wallet()
        for account in (first, second):
            await customer.deposit(account, self.FUNDS)
        self.wallets = (first, second)
        pairs = [(first, second), (second, first)]
        self._workers = [
            asyncio.create_task(self._work(customer, *pairs[n % 2])) for n in range(self.WORKERS)
        ]
        return self

    async def _work(self, customer: Any, sender: str, receiver: str) -> None:
        deadline = time.monotonic() + self.LONGEST_SECONDS
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                answer = await customer.transfer(sender, receiver, 1, key=uuid.uuid4().hex)
            except aiohttp.ClientError as exc:  # counted: a client-visible failure too
                self.failures[type(exc).__name__] = self.failures.get(type(exc).__name__, 0) + 1
                continue
            self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1
            if answer.status != 201 and len(self.refusals) < 5:
                self.refusals.append(await answer.text())
            answer.release()

    async def total(self) -> int:
        """The two wallets' balances together: what the load started with, if no money was
        made or lost."""
        return sum([await self.customer.balance(account) for account in self.wallets])

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._workers)

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
        await self._http.close()


def _business_calls(pod_ip: str) -> float:
    """The gRPC calls a pod has served, health checks aside (its metrics port)."""
    url = f"http://{pod_ip}:{METRICS_PORT}/metrics"
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    total = 0.0
    for family in text_string_to_metric_families(text):
        if family.name != "tekana_rpc_requests":
            continue
        for sample in family.samples:
            if sample.name.endswith("_total") and "Health" not in sample.labels["grpc_service"]:
                total += sample.value
    return total


def _ready_pods(core: Any, component: str) -> list[str]:
    selector = f"app.kubernetes.io/instance={STACK},app.kubernetes.io/component={component}"
    return sorted(
        p.status.pod_ip
        for p in core.list_namespaced_pod(NAMESPACE, label_selector=selector).items
        if p.status.pod_ip
        and p.metadata.deletion_timestamp is None
        and all(c.ready for c in p.status.container_statuses or [])
    )


def _wait_for_replicas(core: Any, component: str, count: int) -> None:
    eventually(
        lambda: len(_ready_pods(core, component)) == count,
        seconds=120,
        what=f"{count} {component} replicas ready",
    )


async def _health(address: str, port: int, transport: Transport | None, name: str) -> Any:
    ssl = transport.client_ssl() if transport else None
    config = Configuration(ssl_target_name_override=name) if ssl else None
    channel = Channel(address, port, ssl=ssl, config=config)
    try:
        return await HealthStub(channel).Check(HealthCheckRequest(), timeout=5)
    finally:
        channel.close()


async def test_the_services_speak_only_mutual_tls_with_the_stack_s_certificates(
    stack: float, core: Any, tmp_path: Path
) -> None:
    (wallet_pod, *_) = [
        p for p in core.list_namespaced_pod(
            NAMESPACE, label_selector="app.kubernetes.io/component=wallet"
        ).items
        if p.status.phase == "Running" and p.metadata.deletion_timestamp is None
    ]  # fmt: skip
    address, port, name = wallet_pod.status.pod_ip, GRPC_PORTS["wallet"], f"{STACK}-wallet-pods"
    with pytest.raises((StreamTerminatedError, ConnectionError, OSError, TimeoutError)):
        await _health(address, port, None, name)  # plain HTTP/2
    secret = core.read_namespaced_secret(f"{STACK}-gateway-tls", NAMESPACE)
    for key in ("tls.crt", "tls.key", "ca.crt"):
        (tmp_path / key).write_bytes(base64.b64decode(secret.data[key]))
    authority_only = Transport(internal_token="", tls_ca_file=str(tmp_path / "ca.crt"))
    with pytest.raises((StreamTerminatedError, ConnectionError, OSError, TimeoutError)):
        await _health(address, port, authority_only, name)  # TLS, but no client certificate
    gateway = Transport(
        internal_token="",
        tls_cert_file=str(tmp_path / "tls.crt"),
        tls_key_file=str(tmp_path / "tls.key"),
        tls_ca_file=str(tmp_path / "ca.crt"),
    )
    reply = await _health(address, port, gateway, name)
    assert reply.status == HealthCheckResponse.SERVING


async def test_scaled_out_replicas_each_serve_their_share(
    stack: float, operator: State, core: Any
) -> None:
    scaled = ("wallet", "transaction")
    async with TransferLoad(f"http://{_gateway_address(core)}") as load:
        await asyncio.sleep(2)
        patch = {"spec": {"components": {c: {"replicas": 3, "resources": SMALL} for c in scaled}}}
        kubectl(
            operator,
            "patch",
            "tks",
            STACK,
            "-n",
            NAMESPACE,
            "--type=merge",
            "-p",
            json.dumps(patch),
        )
        for component in scaled:
            await asyncio.to_thread(_wait_for_replicas, core, component, 3)
        ready_at = time.monotonic()
        shares: dict[str, dict[str, float]] = {}
        while time.monotonic() - ready_at < 30:
            pods = {c: _ready_pods(core, c) for c in scaled}
            before = {ip: _business_calls(ip) for ips in pods.values() for ip in ips}
            await asyncio.sleep(5)
            served = {ip: _business_calls(ip) - calls for ip, calls in before.items()}
            shares = {
                c: {ip: served[ip] / max(sum(served[i] for i in ips), 1) for ip in ips}
                for c, ips in pods.items()
            }
            if all(share >= 0.2 for by_pod in shares.values() for share in by_pod.values()):
                break
        took = time.monotonic() - ready_at
        print(f"shares of calls per replica, {took:.0f} s after ready: {shares}")
    assert all(share >= 0.2 for by_pod in shares.values() for share in by_pod.values()), shares
    assert (set(load.statuses), load.failures) == ({201}, {}), (load.statuses, load.failures)


def _images(core: Any) -> dict[str, set[str]]:
    """Each component's images among its running pods."""
    found: dict[str, set[str]] = {}
    for pod in core.list_namespaced_pod(NAMESPACE).items:
        component = pod.metadata.labels.get("app.kubernetes.io/component")
        if component in COMPONENTS and pod.metadata.deletion_timestamp is None:
            found.setdefault(component, set()).update(c.image for c in pod.spec.containers)
    return found


async def test_a_rolling_upgrade_under_load_shows_no_client_an_error(
    stack: float, operator: State, core: Any
) -> None:
    release = RELEASE
    images.tag_in_node(operator, release)
    async with TransferLoad(f"http://{_gateway_address(core)}") as load:
        await asyncio.sleep(3)
        patch = json.dumps({"spec": {"image": {"tag": release}}})
        kubectl(operator, "patch", "tks", STACK, "-n", NAMESPACE, "--type=merge", "-p", patch)

        def rolled() -> bool:
            running = _images(core)
            upgraded = all(
                running.get(c) == {f"{images.IMAGE_REGISTRY}/{c}:{release}"} for c in COMPONENTS
            )
            return upgraded and _stack_ready(operator)

        started = time.monotonic()
        await asyncio.to_thread(eventually, rolled, seconds=240, what="every component rolled")
        print(f"rolled out in {time.monotonic() - started:.0f} s: {load.statuses}")
        await asyncio.sleep(3)
        await load.stop()
        total = await load.total()
    assert (set(load.statuses), load.failures) == ({201}, {}), (load.statuses, load.refusals)
    assert sum(load.statuses.values()) > 100  # the load ran throughout
    assert total == 2 * TransferLoad.FUNDS


def _patch_stack(operator: State, body: dict[str, Any]) -> None:
    kubectl(
        operator, "patch", "tks", STACK, "-n", NAMESPACE, "--type=merge", "-p", json.dumps(body)
    )


def _degraded(operator: State) -> str:
    """The Degraded condition's message while it is True, else ''."""
    found = json.loads(kubectl(operator, "get", "tks", STACK, "-n", NAMESPACE, "-o", "json"))
    for condition in found.get("status", {}).get("conditions", []):
        if condition["type"] == "Degraded" and condition["status"] == "True":
            return str(condition["message"])
    return ""


async def test_edits_of_storage_resources_and_pull_policy_apply_and_a_shrink_is_refused(
    stack: float, operator: State, core: Any
) -> None:
    apps: Any = client.AppsV1Api(core.api_client)
    database_pod = core.read_namespaced_pod(f"{STACK}-postgres-0", NAMESPACE).metadata.uid
    before = apps.read_namespaced_stateful_set(f"{STACK}-postgres", NAMESPACE).metadata.uid
    wallet_limits = {"cpu": "1500m", "memory": "512Mi"}
    edit = {
        "spec": {
            "image": {"pullPolicy": "IfNotPresent"},
            "components": {"wallet": {"resources": {**SMALL, "limits": wallet_limits}}},
            "database": {"managed": {"storageSize": "2Gi"}},
        }
    }
    _patch_stack(operator, edit)

    def applied() -> bool:
        try:
            statefulset = apps.read_namespaced_stateful_set(f"{STACK}-postgres", NAMESPACE)
        except ApiException as exc:
            if exc.status == 404:  # between its deletion and its making again
                return False
            raise
        template = statefulset.spec.volume_claim_templates[0].spec.resources.requests
        claim = core.read_namespaced_persistent_volume_claim(f"data-{STACK}-postgres-0", NAMESPACE)
        wallet = apps.read_namespaced_deployment(f"{STACK}-wallet", NAMESPACE)
        container = wallet.spec.template.spec.containers[0]
        return bool(
            statefulset.metadata.uid != before
            and template == {"storage": "2Gi"}
            and (claim.status.capacity or {}).get("storage") == "2Gi"
            and container.resources.limits == wallet_limits
            and container.image_pull_policy == "IfNotPresent"
        )

    await asyncio.to_thread(eventually, applied, seconds=120, what="the edit applied")
    await asyncio.to_thread(eventually, lambda: _stack_ready(operator), seconds=180, what="Ready")
    assert not _degraded(operator)
    # The StatefulSet was made again around its pod: the database did not restart.
    assert core.read_namespaced_pod(f"{STACK}-postgres-0", NAMESPACE).metadata.uid == database_pod
    await _money_moves(f"http://{_gateway_address(core)}")

    # A volume cannot shrink: refused, naming the field, counted as one Event.
    shrink = {"spec": {"database": {"managed": {"storageSize": "1Gi"}}}}
    _patch_stack(operator, shrink)
    message = await asyncio.to_thread(
        eventually, lambda: _degraded(operator), seconds=60, what="the shrink refused"
    )
    assert message.startswith("spec.database.managed.storageSize: 1Gi is smaller"), message
    refused = json.loads(
        kubectl(operator, "get", "events", "-n", NAMESPACE, "-o", "json",
                "--field-selector", "reason=Refused")
    )["items"]  # fmt: skip
    assert [e["type"] for e in refused if e["message"] == message] == ["Warning"]
    back = {"spec": {"database": {"managed": {"storageSize": "2Gi"}}}}
    _patch_stack(operator, back)
    await asyncio.to_thread(
        eventually, lambda: not _degraded(operator) and _stack_ready(operator),
        seconds=60, what="Ready with nothing refused",
    )  # fmt: skip


async def test_a_database_secret_deleted_is_made_again_and_nothing_is_locked_out(
    stack: float, operator: State, core: Any
) -> None:
    await asyncio.to_thread(eventually, lambda: _stack_ready(operator), seconds=120, what="Ready")
    apps: Any = client.AppsV1Api(core.api_client)
    secret = f"{STACK}-db"

    def inputs() -> dict[str, str | None]:
        workloads = [
            *apps.list_namespaced_deployment(NAMESPACE).items,
            *apps.list_namespaced_stateful_set(NAMESPACE).items,
        ]
        found = {
            w.metadata.name: (w.spec.template.metadata.annotations or {}).get(INPUTS_ANNOTATION)
            for w in workloads
            if w.metadata.name.startswith(f"{STACK}-")
        }
        return {name: value for name, value in found.items() if value}

    before, uid = inputs(), core.read_namespaced_secret(secret, NAMESPACE).metadata.uid
    assert set(before) == {f"{STACK}-postgres", *(f"{STACK}-{c}" for c in COMPONENTS)}
    core.delete_namespaced_secret(secret, NAMESPACE)
    made_again = eventually(
        lambda: [s for s in core.list_namespaced_secret(NAMESPACE).items
                 if s.metadata.name == secret and s.metadata.uid != uid],
        seconds=30, what="the database secret made again",
    )  # fmt: skip
    assert made_again
    # Every workload that reads it rolls: PostgreSQL takes the new password at its start.
    eventually(
        lambda: all(inputs()[name] != value for name, value in before.items()),
        seconds=30, what="every workload given the new secret",
    )  # fmt: skip
    for workload in ("statefulset/demo-postgres", *(f"deployment/demo-{c}" for c in COMPONENTS)):
        kubectl(operator, "rollout", "status", "-n", NAMESPACE, workload, "--timeout=180s")
    await asyncio.to_thread(eventually, lambda: _stack_ready(operator), seconds=60, what="Ready")
    await _money_moves(f"http://{_gateway_address(core)}")


async def test_a_stack_made_again_over_its_kept_volume_reads_what_it_wrote(
    stack: float, operator: State, core: Any
) -> None:
    """Deleted with its volume kept, then applied again: it connects to the database it
    had (a new password, which PostgreSQL takes at its start) and opens the national ids it
    sealed (their keys were kept with the data)."""
    await asyncio.to_thread(eventually, lambda: _stack_ready(operator), seconds=120, what="Ready")
    kept = json.dumps({"spec": {"database": {"managed": {"retainVolumeOnDelete": True}}}})
    kubectl(operator, "patch", "tks", STACK, "-n", NAMESPACE, "--type=merge", "-p", kept)
    claim, keys = f"data-{STACK}-postgres-0", f"{STACK}-national-id-keys"
    eventually(
        lambda: not core.read_namespaced_persistent_volume_claim(claim, NAMESPACE).metadata
        .owner_references and not core.read_namespaced_secret(keys, NAMESPACE).metadata
        .owner_references,
        seconds=30, what="the volume and the keys let go of by the stack",
    )  # fmt: skip
    async with aiohttp.ClientSession(base_url=f"http://{_gateway_address(core)}") as http:
        customer = await new_customer(http)
        account = await customer.new_wallet()
        await customer.deposit(account, 4_200)
        me = await (await http.get("/v1/customers/me", headers=customer.auth)).json()

    kubectl(operator, "delete", "tks", STACK, "-n", NAMESPACE, "--wait=true", "--timeout=120s")
    eventually(
        lambda: not [
            p for p in core.list_namespaced_pod(NAMESPACE).items
            if (p.metadata.labels or {}).get("app.kubernetes.io/instance") == STACK
        ],
        seconds=180, what="the stack's pods gone",
    )  # fmt: skip
    assert core.read_namespaced_persistent_volume_claim(claim, NAMESPACE).status.phase == "Bound"

    manifest = {
        "apiVersion": "tekana.io/v1alpha1",
        "kind": "TekanaStack",
        "metadata": {"name": STACK, "namespace": NAMESPACE},
        "spec": {**SPEC, "database": {**SPEC["database"], "managed": {
            **SPEC["database"]["managed"], "storageSize": "2Gi", "retainVolumeOnDelete": True}}},
    }  # fmt: skip
    kubectl(operator, "apply", "-f", "-", stdin=yaml.safe_dump(manifest))
    await asyncio.to_thread(
        eventually, lambda: _stack_ready(operator), seconds=240, what="the stack Ready again"
    )
    async with aiohttp.ClientSession(base_url=f"http://{_gateway_address(core)}") as http:
        token = await http.post("/v1/auth/token", json={"email": me["email"], "password": PASSWORD})
        assert token.status == 200, await token.text()
        auth = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
        again = await (await http.get("/v1/customers/me", headers=auth)).json()
        assert (again["id"], again["national_id"]) == (me["id"], NATIONAL_ID)
        wallet = await http.get(f"/v1/wallets/{account}", headers=auth)
        assert (await wallet.json())["balance"]["amount_minor"] == 4_200
