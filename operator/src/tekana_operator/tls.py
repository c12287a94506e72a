"""The stack's mutual TLS: its certificate authority (a Secret made once) and a
certificate per component (a Secret each), issued again before they expire. A renewed
Secret changes the pods' inputs checksum, so they roll onto it (reconcile.py)."""

import base64
from typing import Any

from tekana_operator import certificates
from tekana_operator.certificates import Pem
from tekana_operator.cluster import Cluster
from tekana_operator.meta import metadata
from tekana_operator.network import pods_service_name
from tekana_operator.stack import COMPONENTS, Stack


def authority_name(stack: Stack) -> str:
    return stack.child("ca")


def dns_names(stack: Stack, component: str) -> list[str]:
    """Every name a caller may dial a service by; none for the gateway, only a client."""
    if component == "gateway":
        return []
    found = []
    for service in (pods_service_name(stack, component), stack.child(component)):
        for suffix in ("", f".{stack.namespace}", f".{stack.namespace}.svc"):
            found.append(f"{service}{suffix}")
        found.append(f"{service}.{stack.namespace}.svc.cluster.local")
    return found


def _encoded(values: dict[str, str]) -> dict[str, str]:
    return {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}


def _decoded(secret: dict[str, Any], key: str) -> str:
    return base64.b64decode((secret.get("data") or {}).get(key) or "").decode()


def authority_secret(stack: Stack, authority: Pem) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(stack, authority_name(stack)),
        "type": "kubernetes.io/tls",
        "data": _encoded({"tls.crt": authority.certificate, "tls.key": authority.key}),
    }


def component_secret(stack: Stack, component: str, issued: Pem, authority: Pem) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(stack, stack.tls_secret(component), component),
        "type": "kubernetes.io/tls",
        "data": _encoded(
            {"tls.crt": issued.certificate, "tls.key": issued.key, "ca.crt": authority.certificate}
        ),
    }


def ensure(cluster: Cluster, stack: Stack) -> list[str]:
    """The authority made once, each component's certificate issued where missing or due;
    the names of the Secrets written."""
    if not stack.tls.enabled:
        return []
    written = []
    if cluster.create_once(authority_secret(stack, certificates.new_authority(stack.name))):
        written.append(authority_name(stack))
    found = cluster.get("v1", "Secret", authority_name(stack), stack.namespace) or {}
    authority = Pem(_decoded(found, "tls.crt"), _decoded(found, "tls.key"))
    for component in COMPONENTS:
        names = dns_names(stack, component)
        current = cluster.get("v1", "Secret", stack.tls_secret(component), stack.namespace)
        if current and not certificates.due(_decoded(current, "tls.crt"), authority, names):
            continue
        issued = certificates.issue(
            authority, stack.child(component), names, server=component != "gateway"
        )
        cluster.apply(component_secret(stack, component, issued, authority))
        written.append(stack.tls_secret(component))
    return written


def secret_names(stack: Stack) -> list[str]:
    """The Secrets the pods read for TLS (none when it is off)."""
    return [stack.tls_secret(c) for c in COMPONENTS] if stack.tls.enabled else []
