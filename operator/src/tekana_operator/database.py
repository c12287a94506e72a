"""The managed PostgreSQL (a StatefulSet with a volume) and the Secrets made once per stack."""

import secrets
from typing import Any
from urllib.parse import quote

from tekana_operator.meta import labels, metadata, selector
from tekana_operator.stack import Stack

POSTGRES_USER = "tekana"
SYNC_PASSWORD = [
    "sh",
    "-c",
    # psql interpolates :'password' (quoted as a literal) only in what it reads, not in -c.
    "until pg_isready -q -h /var/run/postgresql; do sleep 1; done; "
    "echo \"ALTER ROLE CURRENT_USER PASSWORD :'password';\" | "
    'psql -q -h /var/run/postgresql -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 '
    '-v password="$POSTGRES_PASSWORD"',
]
DATA_VOLUME = "data"


def statefulset(stack: Stack) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "metadata": {"name": DATA_VOLUME, "labels": labels(stack, "database")},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": stack.database.storage_size}},
        },
    }
    if stack.database.storage_class:
        claim["spec"]["storageClassName"] = stack.database.storage_class
    ready = ["pg_isready", "-U", POSTGRES_USER, "-h", "127.0.0.1"]
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": metadata(stack, stack.child("postgres"), "database"),
        "spec": {
            "serviceName": stack.child("postgres"),
            "replicas": 1,
            "selector": {"matchLabels": selector(stack, "database")},
            "template": {
                "metadata": {"labels": labels(stack, "database")},
                "spec": {
                    "automountServiceAccountToken": False,
                    # The postgres image's own user; its files live on the volume.
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 999, "fsGroup": 999},
                    "containers": [
                        {
                            "name": "postgres",
                            "image": stack.database.image,
                            "env": [
                                {"name": "POSTGRES_USER", "value": POSTGRES_USER},
                                {
                                    "name": "POSTGRES_PASSWORD",
                                    "valueFrom": {
                                        "secretKeyRef": {
                                            "name": stack.child("db"),
                                            "key": "password",
                                        }
                                    },
                                },
                                {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
                            ],
                            "ports": [
                                {"name": "postgres", "containerPort": 5432, "protocol": "TCP"}
                            ],
                            # The password PostgreSQL knows is the secret's, at every
                            # start: a secret deleted and made again (a new password) does
                            # not lock the services out. Over the local socket, which
                            # trusts the server's own user.
                            "lifecycle": {"postStart": {"exec": {"command": SYNC_PASSWORD}}},
                            "readinessProbe": {"exec": {"command": ready}, "periodSeconds": 5},
                            "livenessProbe": {"exec": {"command": ready}, "periodSeconds": 15},
                            "resources": {
                                "requests": {"cpu": "250m", "memory": "256Mi"},
                                "limits": {"cpu": "2", "memory": "2Gi"},
                            },
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]},
                            },
                            "volumeMounts": [
                                {"name": DATA_VOLUME, "mountPath": "/var/lib/postgresql/data"}
                            ],
                        }
                    ],
                },
            },
            "volumeClaimTemplates": [claim],
        },
    }


def database_service(stack: Stack) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(stack, stack.child("postgres"), "database"),
        "spec": {
            "clusterIP": "None",
            "selector": selector(stack, "database"),
            "ports": [
                {"name": "postgres", "port": 5432, "targetPort": "postgres", "protocol": "TCP"}
            ],
        },
    }


def database_secret(stack: Stack, password: str) -> dict[str, Any]:
    """Made once: the operator never replaces it, so the password is never rotated by accident."""
    host = f"{stack.child('postgres')}.{stack.namespace}.svc"
    url = f"postgres://{POSTGRES_USER}:{quote(password, safe='')}@{host}:5432"
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(stack, stack.child("db"), "database"),
        "type": "Opaque",
        "stringData": {"password": password, "url": url},
    }


def new_password() -> str:
    return secrets.token_urlsafe(24)
