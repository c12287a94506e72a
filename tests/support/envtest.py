"""A real Kubernetes control plane on loopback: etcd, kube-apiserver and the controller
manager (garbage collection, deployments), from tools/envtest's cached build."""

import os
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tekana_devstack.cluster import configs
from tests.support.platform import free_port

ENVTEST_BIN = (
    Path(os.environ.get("TEKANA_ENVTEST_DIR", Path.home() / ".cache" / "tekana-envtest")) / "bin"
)
READY_TIMEOUT_SECONDS = 60
# A static token for a throw-away API server on loopback.
TOKEN = "envtest-admin-token"


@dataclass(frozen=True)
class ControlPlane:
    url: str
    kubeconfig: Path


def binaries_missing() -> list[str]:
    wanted = [ENVTEST_BIN / "kube-apiserver", ENVTEST_BIN / "kube-controller-manager"]
    missing = [str(p) for p in wanted if not p.exists()]
    return missing + ([] if shutil.which("etcd") else ["etcd"])


def _spawn(stack: ExitStack, args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    return process


def _wait_healthy(url: str, processes: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            break
        try:
            request = urllib.request.Request(  # noqa: S310 (an https URL we built)
                f"{url}/healthz", headers={"Authorization": f"Bearer {TOKEN}"}
            )
            # The server's certificate is made at start; this poll only asks whether it is up.
            unverified = ssl._create_unverified_context()  # noqa: S323
            with urllib.request.urlopen(request, timeout=2, context=unverified) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    tails = {log.name: log.read_text(errors="replace")[-2000:] for log in logs.glob("*.log")}
    raise RuntimeError(f"the control plane did not come up: {tails}")


@contextmanager
def control_plane(directory: Path) -> Iterator[ControlPlane]:
    etcd_port, etcd_peer, api_port = (free_port() for _ in range(3))
    private_key, public_key = configs.service_account_keys(directory)
    url = f"https://127.0.0.1:{api_port}"
    tokens = directory / "tokens.csv"
    tokens.write_text(f'{TOKEN},envtest-admin,1,"system:masters"\n')
    with ExitStack() as stack:
        etcd = _spawn(
            stack,
            [
                "etcd",
                f"--data-dir={directory / 'etcd'}",
                f"--listen-client-urls=http://127.0.0.1:{etcd_port}",
                f"--advertise-client-urls=http://127.0.0.1:{etcd_port}",
                f"--listen-peer-urls=http://127.0.0.1:{etcd_peer}",
            ],
            directory / "etcd.log",
        )
        apiserver = _spawn(
            stack,
            [
                str(ENVTEST_BIN / "kube-apiserver"),
                f"--etcd-servers=http://127.0.0.1:{etcd_port}",
                f"--secure-port={api_port}",
                f"--token-auth-file={tokens}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--cert-dir={directory / 'certs'}",
                "--service-cluster-ip-range=10.0.0.0/24",
                "--authorization-mode=AlwaysAllow",
                "--disable-admission-plugins=ServiceAccount",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--service-account-key-file={public_key}",
                f"--service-account-signing-key-file={private_key}",
            ],
            directory / "kube-apiserver.log",
        )
        _wait_healthy(url, [etcd, apiserver], directory)
        kubeconfig = directory / "kubeconfig"
        kubeconfig.write_text(
            configs.kubeconfig(url, str(directory / "certs" / "apiserver.crt"), TOKEN)
        )
        _spawn(
            stack,
            [
                str(ENVTEST_BIN / "kube-controller-manager"),
                f"--kubeconfig={kubeconfig}",
                "--controllers=garbagecollector,deployment,replicaset",
                "--leader-elect=false",
                "--port=0",
                "--secure-port=0",
                f"--service-account-private-key-file={private_key}",
            ],
            directory / "kube-controller-manager.log",
        )
        yield ControlPlane(url=url, kubeconfig=kubeconfig)
