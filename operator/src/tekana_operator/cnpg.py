"""Pure: the database as a CloudNativePG cluster (``database.mode: cloudnative-pg``): a
``Cluster`` of streaming replicas with synchronous commit (an acknowledged transaction is
on a standby before the service hears of it, so a failover loses none), one ``Database``
per service owned by the application role, and a ``ScheduledBackup`` when an object store
is given. The services reach the primary through the cluster's ``-rw`` Service with the
credentials CloudNativePG keeps in its ``-app`` Secret."""

from typing import Any

from tekana_operator.meta import labels, metadata
from tekana_operator.stack import Stack

API_VERSION = "postgresql.cnpg.io/v1"
OWNER = "tekana"
# Each service's own database (its settings' database_name).
DATABASES = {
    "customer": "tekana_customer",
    "wallet": "tekana_wallet",
    "transaction": "tekana_transaction",
}


def cluster_name(stack: Stack) -> str:
    return stack.child("pg")


def app_secret(stack: Stack) -> str:
    """CloudNativePG's Secret of the application role; its ``uri`` names the primary."""
    return f"{cluster_name(stack)}-app"


def _unowned_if_kept(stack: Stack, meta: dict[str, Any]) -> dict[str, Any]:
    # Kept: the cluster (and with it its volumes) outlives the stack; a stack made again
    # by the same name takes it back.
    if stack.database.outlives_the_stack:
        del meta["ownerReferences"]
    return meta


def cluster(stack: Stack) -> dict[str, Any]:
    wanted = stack.database.cloudnative_pg
    storage: dict[str, Any] = {"size": wanted.storage_size}
    if wanted.storage_class:
        storage["storageClass"] = wanted.storage_class
    spec: dict[str, Any] = {
        "instances": wanted.instances,
        "storage": storage,
        "enableSuperuserAccess": False,
        "bootstrap": {"initdb": {"database": DATABASES["customer"], "owner": OWNER}},
        "inheritedMetadata": {"labels": labels(stack, "database")},
    }
    if wanted.image:
        spec["imageName"] = wanted.image
    standbys = min(wanted.synchronous_replicas, wanted.instances - 1)
    if standbys > 0:
        spec["postgresql"] = {
            "synchronous": {"method": "any", "number": standbys, "dataDurability": "required"}
        }
    if wanted.backup.enabled:
        store: dict[str, Any] = {"destinationPath": wanted.backup.destination_path}
        if wanted.backup.endpoint_url:
            store["endpointURL"] = wanted.backup.endpoint_url
        if wanted.backup.credentials_secret:
            secret = wanted.backup.credentials_secret
            store["s3Credentials"] = {
                "accessKeyId": {"name": secret, "key": "ACCESS_KEY_ID"},
                "secretAccessKey": {"name": secret, "key": "ACCESS_SECRET_KEY"},
            }
        spec["backup"] = {"barmanObjectStore": store, "retentionPolicy": wanted.backup.retention}
    return {
        "apiVersion": API_VERSION,
        "kind": "Cluster",
        "metadata": _unowned_if_kept(stack, metadata(stack, cluster_name(stack), "database")),
        "spec": spec,
    }


def databases(stack: Stack) -> list[dict[str, Any]]:
    """One per service; deleting one leaves its data (``databaseReclaimPolicy: retain``)."""
    return [
        {
            "apiVersion": API_VERSION,
            "kind": "Database",
            "metadata": metadata(stack, stack.child(f"db-{component}"), "database"),
            "spec": {
                "cluster": {"name": cluster_name(stack)},
                "name": name,
                "owner": OWNER,
                "ensure": "present",
                "databaseReclaimPolicy": "retain",
            },
        }
        for component, name in DATABASES.items()
    ]


def scheduled_backup(stack: Stack) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "ScheduledBackup",
        "metadata": metadata(stack, stack.child("pg-backup"), "database"),
        "spec": {
            "cluster": {"name": cluster_name(stack)},
            "schedule": stack.database.cloudnative_pg.backup.schedule,
            "method": "barmanObjectStore",
            "backupOwnerReference": "self",
            "immediate": True,
        },
    }


def children(stack: Stack, served: bool) -> list[dict[str, Any]]:
    """What mode cloudnative-pg asks for, where CloudNativePG's kinds are served (the
    reconcile refuses the mode, by field, where they are not)."""
    if not (stack.database.cnpg and served):
        return []
    found = [cluster(stack), *databases(stack)]
    if stack.database.cloudnative_pg.backup.enabled:
        found.append(scheduled_backup(stack))
    return found
