"""Deployments of the four components and the migration Job, hardened and probed."""

import hashlib
import json
from typing import Any

from tekana_operator.meta import labels, metadata, selector
from tekana_operator.network import grpc_address
from tekana_operator.stack import GRPC_PORTS, HTTP_PORT, METRICS_PORT, Component, Stack

RUN_AS = 10001
TLS_DIRECTORY = "/var/run/tekana/tls"
SECURITY_CONTEXT = {
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "runAsGroup": RUN_AS,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
# Told to stop, a pod stays up but not ready this long: its Service's endpoints, the
# cluster's DNS and its callers' balancers (which re-resolve every few seconds) let go of
# it before it closes.
DRAIN_SECONDS = 5
TERMINATION_GRACE_SECONDS = 40
MODULES = {
    "gateway": "tekana_gateway",
    "customer": "tekana_customer",
    "wallet": "tekana_wallet",
    "transaction": "tekana_transaction",
}


def secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def database_secret(stack: Stack) -> tuple[str, str]:
    """The Secret, and its key, holding the database server's URL."""
    if stack.database.mode == "external":
        return stack.database.external_secret, stack.database.external_key
    if stack.database.cnpg:
        # Its path names the application database; each service uses its own instead.
        return f"{stack.child('pg')}-app", "uri"
    return stack.child("db"), "url"


def database_env(stack: Stack) -> dict[str, Any]:
    return secret_env("TEKANA_DATABASE_URL", *database_secret(stack))


def _component_env(stack: Stack, component: str) -> list[dict[str, Any]]:
    internal = stack.child("internal")
    env = [
        secret_env("TEKANA_INTERNAL_TOKEN", internal, "internal-token"),
        {"name": "TEKANA_DRAIN_SECONDS", "value": str(DRAIN_SECONDS)},
        # Metrics on their own port, which no Service routes to from the Ingress.
        {"name": "TEKANA_METRICS_HOST", "value": "0.0.0.0"},  # noqa: S104 (pod network)
        {"name": "TEKANA_METRICS_PORT", "value": str(METRICS_PORT)},
    ]
    if stack.tls.enabled:
        # A service takes only calls from a certificate of the stack's authority; the
        # gateway and the transaction service present theirs when they call.
        env += [
            {"name": "TEKANA_GRPC_TLS_CERT_FILE", "value": f"{TLS_DIRECTORY}/tls.crt"},
            {"name": "TEKANA_GRPC_TLS_KEY_FILE", "value": f"{TLS_DIRECTORY}/tls.key"},
            {"name": "TEKANA_GRPC_TLS_CA_FILE", "value": f"{TLS_DIRECTORY}/ca.crt"},
        ]
    if component == "gateway":
        env += [
            secret_env("TEKANA_JWT_PUBLIC_KEY", internal, "jwt-public-key"),
            {"name": "TEKANA_HTTP_HOST", "value": "0.0.0.0"},  # noqa: S104 (pod network)
            {"name": "TEKANA_REDIS_URL", "value": stack.redis_url},
            {"name": "TEKANA_READ_ONLY", "value": str(stack.read_only).lower()},
        ]
        env += [
            {"name": f"TEKANA_{name.upper()}_ADDR", "value": grpc_address(stack, name)}
            for name in GRPC_PORTS
        ]
        return env
    env += [
        database_env(stack),
        {"name": "TEKANA_GRPC_HOST", "value": "0.0.0.0"},  # noqa: S104 (pod network)
    ]
    if component == "customer":
        env += [
            secret_env("TEKANA_JWT_PRIVATE_KEY", internal, "jwt-private-key"),
            secret_env("TEKANA_NATIONAL_ID_KEYS", stack.child("national-id-keys"), "keys"),
            # The customer service publishes token revocations there for the gateways.
            {"name": "TEKANA_REDIS_URL", "value": stack.redis_url},
            {"name": "TEKANA_JWT_TTL_SECONDS", "value": str(stack.jwt_ttl_seconds)},
        ]
    if component == "transaction":
        env += [
            {"name": "TEKANA_WALLET_ADDR", "value": grpc_address(stack, "wallet")},
            {"name": "TEKANA_ALLOW_TEST_DEPOSITS", "value": str(stack.test_deposits).lower()},
        ]
    return env


def _probes(component: str) -> dict[str, Any]:
    """HTTP probes, answered in-process (an exec probe starts an interpreter each time).
    Readiness is whether a pod takes calls now (not draining; a service's database
    answers); liveness only that it runs: a database outage must not restart every pod."""
    if component == "gateway":
        ready, live, port = "/serving", "/health", HTTP_PORT
    else:
        ready, live, port = "/ready", "/live", METRICS_PORT
    return {
        "readinessProbe": {
            "httpGet": {"path": ready, "port": port},
            "periodSeconds": 2,
            "timeoutSeconds": 2,
            "failureThreshold": 2,
        },
        "livenessProbe": {
            "httpGet": {"path": live, "port": port},
            "periodSeconds": 10,
            "timeoutSeconds": 3,
            "failureThreshold": 3,
        },
    }


def _ports(component: str) -> list[dict[str, Any]]:
    port = HTTP_PORT if component == "gateway" else GRPC_PORTS[component]
    return [
        {
            "name": "http" if component == "gateway" else "grpc",
            "containerPort": port,
            "protocol": "TCP",
        },
        {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"},
    ]


def deployment(stack: Stack, component: Component) -> dict[str, Any]:
    name = component.name
    replicas = component.replicas
    if name == "gateway" and stack.autoscaling.enabled:
        replicas = max(replicas, stack.autoscaling.min_replicas)
    container = {
        "name": name,
        "image": component.image,
        "imagePullPolicy": stack.pull_policy,
        "command": ["python", "-m", MODULES[name]],
        "envFrom": [{"configMapRef": {"name": stack.child("config")}}],
        "env": _component_env(stack, name),
        "ports": _ports(name),
        "resources": component.resources.as_k8s(),
        "securityContext": SECURITY_CONTEXT,
        # The root filesystem is read-only; the one writable place is a scratch /tmp.
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108
            *([{"name": "tls", "mountPath": TLS_DIRECTORY, "readOnly": True}] * stack.tls.enabled),
        ],
        **_probes(name),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(stack, stack.child(name), name),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector(stack, name)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "template": {
                "metadata": {"labels": labels(stack, name)},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {"runAsNonRoot": True, "fsGroup": RUN_AS},
                    # The drain, then the calls in flight (tekana_common.draining).
                    "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
                    "containers": [container],
                    "volumes": [
                        {"name": "tmp", "emptyDir": {}},
                        *(
                            [
                                {
                                    "name": "tls",
                                    # Readable by the pod's group (fsGroup) only.
                                    "secret": {
                                        "secretName": stack.tls_secret(name),
                                        "defaultMode": 0o440,
                                    },
                                }
                            ]
                            * stack.tls.enabled
                        ),
                    ],
                },
            },
        },
    }


def migration_job_name(stack: Stack) -> str:
    """One Job per migration pod template: a new release (or another database) migrates
    once, before the Deployments roll. A Job's template cannot change, so an edit that
    changes it (images, the database, pull policy, resources) makes a new Job, not a
    refused one."""
    template = json.dumps(_migration_template(stack), sort_keys=True)
    return stack.child(f"migrate-{hashlib.sha256(template.encode()).hexdigest()[:10]}")


def _migration_template(stack: Stack) -> dict[str, Any]:
    def step(component: str) -> dict[str, Any]:
        return {
            "name": f"{component}-migrate",
            "image": stack.components[component].image,
            "imagePullPolicy": stack.pull_policy,
            "command": ["python", "-m", MODULES[component], "migrate"],
            "envFrom": [{"configMapRef": {"name": stack.child("config")}}],
            "env": [database_env(stack)],
            "resources": stack.components[component].resources.as_k8s(),
            "securityContext": SECURITY_CONTEXT,
        }

    return {
        "metadata": {"labels": labels(stack, "migrate")},
        "spec": {
            "restartPolicy": "OnFailure",
            "automountServiceAccountToken": False,
            "securityContext": {"runAsNonRoot": True},
            "initContainers": [step("customer"), step("wallet")],
            "containers": [step("transaction")],
        },
    }


def migration_job(stack: Stack) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(stack, migration_job_name(stack), "migrate"),
        "spec": {"backoffLimit": 20, "template": _migration_template(stack)},
    }
