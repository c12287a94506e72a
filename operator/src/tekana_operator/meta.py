"""Names, labels and owner references every child object carries."""

from typing import Any

from tekana_operator.stack import Stack

GROUP_VERSION = "tekana.io/v1alpha1"
KIND = "TekanaStack"


def metadata(stack: Stack, name: str, component: str | None = None) -> dict[str, Any]:
    """Children are owned by the stack, so deleting it lets garbage collection remove them."""
    return {
        "name": name,
        "namespace": stack.namespace,
        "labels": labels(stack, component),
        "ownerReferences": [
            {
                "apiVersion": GROUP_VERSION,
                "kind": KIND,
                "name": stack.name,
                "uid": stack.uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }


def labels(stack: Stack, component: str | None = None) -> dict[str, str]:
    found = dict(stack.labels)
    if component:
        found["app.kubernetes.io/component"] = component
    return found


def selector(stack: Stack, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/instance": stack.name,
        "app.kubernetes.io/component": component,
    }
