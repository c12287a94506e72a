"""The configuration files a local cluster's programs read, as text."""

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tekana_devstack.cluster.layout import CNI_BIN, PAUSE_IMAGE, Network, State

# A static token for a throw-away cluster that only this machine can reach.
ADMIN_TOKEN = "tekana-cluster-admin"  # noqa: S105 (a local test cluster's, made up here)


def containerd(state: State) -> str:
    """containerd with its own root, state and socket (beside any other on the machine),
    cgroupfs, and no OOM score below its own (the process cannot lower it)."""
    base = state.path("containerd")
    return f"""version = 2
root = "{base / "root"}"
state = "{base / "state"}"

[grpc]
  address = "{state.containerd_socket}"

[ttrpc]
  address = "{state.sockets / "containerd.sock.ttrpc"}"

[plugins."io.containerd.internal.v1.opt"]
  path = "{base / "opt"}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  # Pods' network namespaces under the state directory, so stopping removes them too.
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{CNI_BIN}"
    conf_dir = "{state.path("cni")}"
"""


def cni(network: Network) -> str:
    """Pods on one bridge inside the namespace, addresses from the pod range."""
    return json.dumps(
        {
            "cniVersion": "0.4.0",
            "name": "tekana",
            "plugins": [
                {
                    "type": "bridge",
                    "bridge": "cni0",
                    "isGateway": True,
                    "ipMasq": False,
                    "hairpinMode": True,
                    "ipam": {
                        "type": "host-local",
                        "ranges": [[{"subnet": network.pod_cidr}]],
                        "routes": [{"dst": "0.0.0.0/0"}],
                    },
                },
                {"type": "portmap", "capabilities": {"portMappings": True}},
            ],
        },
        indent=2,
    )


def kubeconfig(url: str, certificate_authority: str, token: str = ADMIN_TOKEN) -> str:
    """A kubeconfig for the API server at ``url``, signing in with ``token``."""
    return f"""apiVersion: v1
kind: Config
clusters:
- name: tekana
  cluster: {{server: "{url}", certificate-authority: "{certificate_authority}"}}
users:
- name: admin
  user: {{token: "{token}"}}
contexts:
- name: tekana
  context: {{cluster: tekana, user: admin}}
current-context: tekana
"""


def service_account_keys(directory: Path) -> tuple[Path, Path]:
    """The RSA pair the API server verifies and the controller manager signs service
    account tokens with, written once into ``directory`` as (private, public) PEM files."""
    private, public = directory / "sa.key", directory / "sa.pub"
    if private.exists() and public.exists():
        return private, public
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def tokens() -> str:
    return f'{ADMIN_TOKEN},admin,1,"system:masters"\n'


def resolv_conf(network: Network) -> str:
    """The node's resolver for pods: the cluster's DNS, and no other."""
    return f"nameserver {network.node_ip}\n"
