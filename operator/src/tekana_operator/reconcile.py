"""One reconcile: make the cluster hold what the stack describes, and say what it saw."""

import logging
import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tekana_operator import config, database, resources, workloads
from tekana_operator.cluster import Cluster
from tekana_operator.stack import COMPONENTS, Stack
from tekana_operator.status import Observed


def _key_pair() -> tuple[str, str]:
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem.decode(), public_pem.decode()


def ensure_secrets(
    cluster: Cluster, stack: Stack, logger: logging.Logger | logging.LoggerAdapter[Any]
) -> None:
    """Generated once; never replaced, so nothing is rotated by accident."""
    private_pem, public_pem = _key_pair()
    made = cluster.create_once(
        config.internal_secret(
            stack,
            token=secrets.token_urlsafe(32),
            private_key_pem=private_pem,
            public_key_pem=public_pem,
        )
    )
    if made:
        logger.info("created the internal credentials secret")
    if stack.database.mode == "managed" and cluster.create_once(
        database.database_secret(stack, database.new_password())
    ):
        logger.info("created the database secret")


def _migrated(cluster: Cluster, stack: Stack) -> bool:
    job = cluster.get("batch/v1", "Job", workloads.migration_job_name(stack), stack.namespace)
    return bool(job and (job.get("status") or {}).get("succeeded"))


def _replicas(cluster: Cluster, stack: Stack) -> dict[str, tuple[int, int]]:
    found = {}
    for component in COMPONENTS:
        deployment = cluster.get("apps/v1", "Deployment", stack.child(component), stack.namespace)
        spec = (deployment or {}).get("spec") or {}
        status = (deployment or {}).get("status") or {}
        desired = spec.get("replicas", stack.components[component].replicas)
        found[component] = (int(desired or 0), int(status.get("readyReplicas") or 0))
    return found


def reconcile(
    cluster: Cluster, stack: Stack, logger: logging.Logger | logging.LoggerAdapter[Any]
) -> Observed:
    """Apply everything; Deployments roll only once this release's migrations succeeded."""
    ensure_secrets(cluster, stack, logger)
    for manifest in resources.infrastructure(stack, cluster.versions()):
        cluster.apply(manifest)
    cluster.apply(workloads.migration_job(stack))
    migrated = _migrated(cluster, stack)
    if migrated:
        for manifest in resources.deployments(stack):
            cluster.apply(manifest)
    return Observed(replicas=_replicas(cluster, stack), migrated=migrated)
