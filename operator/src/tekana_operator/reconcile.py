"""One reconcile: make the cluster hold what the stack describes, and say what it saw."""

import hashlib
import json
import logging
import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from kubernetes.client.exceptions import ApiException

from tekana_operator import config, database, handover, redis, resources, tls, volumes, workloads
from tekana_operator.cluster import Cluster, refusal
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
) -> list[str]:
    """Generated once; never replaced, so nothing is rotated by accident. The names made."""
    made_now: list[str] = []
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
        made_now.append(stack.child("internal"))
    # Its own secret, so stacks made before national ids were sealed get one too.
    if cluster.create_once(config.national_id_keys_secret(stack, config.new_national_id_keys())):
        made_now.append(stack.child(config.NATIONAL_ID_KEYS))
    if stack.database.dev and cluster.create_once(
        database.database_secret(stack, database.new_password())
    ):
        made_now.append(stack.child("db"))
    for name in made_now:
        logger.info("created secret %s", name)
    return made_now


def _migration(cluster: Cluster, stack: Stack) -> tuple[bool, str]:
    """Whether this release's migration Job succeeded; why it failed, if it did."""
    name = workloads.migration_job_name(stack)
    status = (cluster.get("batch/v1", "Job", name, stack.namespace) or {}).get("status") or {}
    if status.get("succeeded"):
        return True, ""
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Failed" and condition.get("status") == "True":
            reason = condition.get("message") or condition.get("reason") or "failed"
            return False, f"migration Job {name} failed: {reason}"
    return False, ""


DEV_DATABASE_WARNING = (
    "spec.database.mode: dev runs one PostgreSQL pod, with no failover, backups or"
    " point-in-time recovery; outside development use cloudnative-pg or external"
)
# What a retry cannot fix: the object as rendered is invalid, or we may not make it.
REFUSED = {400, 403, 422}
MANAGED_BY = "app.kubernetes.io/managed-by=tekana-operator"
# On a pod template: what its pods were started with, so a change rolls them.
INPUTS_ANNOTATION = "tekana.io/inputs"


def _secret_versions(cluster: Cluster, stack: Stack, names: list[str]) -> str:
    """Each Secret's identity and version: a Secret edited, or deleted and made again
    (another uid), changes it."""
    found = []
    for name in names:
        secret = cluster.get("v1", "Secret", name, stack.namespace) or {"metadata": {}}
        found.append(
            f"{name}={secret['metadata'].get('uid')}/{secret['metadata'].get('resourceVersion')}"
        )
    return ";".join(found)


def _stamp(manifest: dict[str, Any], inputs: str) -> dict[str, Any]:
    template = manifest["spec"]["template"]
    template.setdefault("metadata", {}).setdefault("annotations", {})[INPUTS_ANNOTATION] = (
        hashlib.sha256(inputs.encode()).hexdigest()[:16]
    )
    return manifest


def _host_claimed_by(cluster: Cluster, stack: Stack) -> str:
    """The name of another stack's (or anyone's) Ingress in the namespace that serves the
    stack's host, or ''."""
    for found in cluster.list("networking.k8s.io/v1", "Ingress", stack.namespace, ""):
        meta = found["metadata"]
        if any(r.get("uid") == stack.uid for r in meta.get("ownerReferences") or []):
            continue
        hosts = {rule.get("host") for rule in (found.get("spec") or {}).get("rules") or []}
        if stack.ingress.host in hosts:
            return str(meta["name"])
    return ""


def _database_secret(stack: Stack) -> str:
    return workloads.database_secret(stack)[0]


def _finished(job: dict[str, Any]) -> bool:
    status = job.get("status") or {}
    return bool(status.get("succeeded")) or any(
        c.get("type") == "Failed" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )


def prune(
    cluster: Cluster, stack: Stack, wanted: list[dict[str, Any]], kinds: list[tuple[str, str]]
) -> list[str]:
    """Delete the stack's children of ``kinds`` that ``wanted`` no longer holds (an Ingress,
    autoscaler, disruption budget or collector the spec turned off, a managed database
    switched to external, an earlier release's finished migration Job); what was deleted."""
    keep = {(m["kind"], m["metadata"]["name"]) for m in wanted}
    selector = (
        f"app.kubernetes.io/instance={stack.name},app.kubernetes.io/managed-by=tekana-operator"
    )
    deleted = []
    for api_version, kind in kinds:
        for found in cluster.list(api_version, kind, stack.namespace, selector):
            meta = found["metadata"]
            owners = {
                r.get("uid") for r in meta.get("ownerReferences") or [] if r.get("controller")
            }
            if stack.uid not in owners or (kind, meta["name"]) in keep:
                continue
            if kind == "Job" and not _finished(found):
                continue  # a migration still running finishes first
            cluster.delete(api_version, kind, meta["name"], stack.namespace)
            deleted.append(f"{kind} {meta['name']}")
    return deleted


def _replicas(cluster: Cluster, stack: Stack) -> dict[str, tuple[int, int]]:
    """(desired, ready) of each component, and of the Redis the stack runs: the limits
    need it, so the stack is not ready without it."""
    wanted = {c: stack.components[c].replicas for c in COMPONENTS}
    if stack.rate_limiting.managed:
        wanted[redis.COMPONENT] = 1
    found = {}
    for component, replicas in wanted.items():
        deployment = cluster.get("apps/v1", "Deployment", stack.child(component), stack.namespace)
        spec = (deployment or {}).get("spec") or {}
        status = (deployment or {}).get("status") or {}
        desired = spec.get("replicas", replicas)
        found[component] = (int(desired or 0), int(status.get("readyReplicas") or 0))
    return found


def _apply(cluster: Cluster, manifest: dict[str, Any]) -> list[str]:
    """Apply ``manifest``; if the API server refuses it as invalid or forbidden, what it
    said (naming the object and field), so the rest of the stack is still reconciled."""
    try:
        cluster.apply(manifest)
    except ApiException as exc:
        if exc.status not in REFUSED:
            raise
        return [refusal(exc)]
    return []


def reconcile(
    cluster: Cluster, stack: Stack, logger: logging.Logger | logging.LoggerAdapter[Any]
) -> Observed:
    """Apply everything; Deployments roll only once this release's migrations succeeded.
    What changed (secrets made, a migration started, components created) is reported as
    events, so a resync that changes nothing says nothing."""
    events: list[tuple[str, str]] = []
    made = ensure_secrets(cluster, stack, logger)
    if made:
        events.append(("SecretsCreated", "created " + ", ".join(made)))
    issued = tls.ensure(cluster, stack)
    if issued:
        events.append(("CertificatesIssued", "wrote " + ", ".join(issued)))
    versions = cluster.versions()
    database_inputs = _secret_versions(cluster, stack, [_database_secret(stack)])
    refusals: list[str] = []
    if stack.database.cnpg and not versions.cloudnative_pg:
        refusals.append(
            "spec.database.mode: cloudnative-pg needs CloudNativePG installed in the cluster"
            " (postgresql.cnpg.io/v1 Cluster, Database and ScheduledBackup are not served)"
        )
    for manifest in resources.infrastructure(stack, versions):
        if manifest["kind"] == "Ingress" and (claimed := _host_claimed_by(cluster, stack)):
            # Refused, and named; everything else is still reconciled.
            refusals.append(
                f"spec.ingress.host: {stack.ingress.host} is already claimed by Ingress {claimed}"
            )
            continue
        if manifest["kind"] == "StatefulSet":
            # PostgreSQL takes its password from the secret at each start (database.py).
            _stamp(manifest, database_inputs)
            now, refused = volumes.resize(cluster, stack, manifest)
            refusals += [refused] if refused else []
            if not now:
                continue
        refusals += _apply(cluster, manifest)
    service_inputs = "|".join(
        [
            json.dumps(config.config_map(stack)["data"], sort_keys=True),
            _secret_versions(
                cluster,
                stack,
                [
                    stack.child("internal"),
                    stack.child(config.NATIONAL_ID_KEYS),
                    _database_secret(stack),
                    *tls.secret_names(stack),
                ],
            ),
        ]
    )
    job = workloads.migration_job(stack)
    if cluster.get("batch/v1", "Job", job["metadata"]["name"], stack.namespace) is None:
        events.append(("Migrating", f"started migration job {job['metadata']['name']}"))
    refusals += _apply(cluster, job)
    volumes.own_the_data(cluster, stack)
    migrated, failure = _migration(cluster, stack)
    if migrated:
        missing = [
            c
            for c in COMPONENTS
            if cluster.get("apps/v1", "Deployment", stack.child(c), stack.namespace) is None
        ]
        for manifest in resources.deployments(stack):
            if (
                stack.autoscaling.enabled
                and manifest["metadata"]["name"] == stack.child("gateway")
                and "gateway" not in missing
            ):
                # The autoscaler owns the gateway's replicas: applying ours would undo it.
                del manifest["spec"]["replicas"]
                handover.hand_replicas_over(cluster, manifest)
            refusals += _apply(cluster, _stamp(manifest, service_inputs))
        if missing:
            events.append(("Deployed", "created " + ", ".join(missing)))
    deleted = prune(
        cluster, stack, resources.every_child(stack, versions), resources.pruned_kinds(versions)
    )
    if deleted:
        events.append(("Deleted", "the spec no longer asks for " + ", ".join(deleted)))
    return Observed(
        warning=DEV_DATABASE_WARNING
        if stack.database.dev and stack.environment != "development"
        else "",
        replicas=_replicas(cluster, stack),
        migrated=migrated,
        error="; ".join([*refusals, failure] if failure else refusals),
        permanent=bool(failure),
        events=tuple(events),
    )
