"""The database part of a TekanaStack's spec as typed values, with the CRD's defaults."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Backup:
    """CloudNativePG's backups to an object store (Barman Cloud), on a schedule."""

    destination_path: str = ""
    endpoint_url: str = ""
    credentials_secret: str = ""
    retention: str = "30d"
    schedule: str = "0 0 3 * * *"

    @property
    def enabled(self) -> bool:
        return bool(self.destination_path)


@dataclass(frozen=True)
class CloudNativePG:
    instances: int = 3
    synchronous_replicas: int = 1
    image: str = ""
    storage_size: str = "20Gi"
    storage_class: str | None = None
    retain_on_delete: bool = True
    backup: Backup = field(default_factory=Backup)


@dataclass(frozen=True)
class Database:
    # dev ("managed" before it had a name): one PostgreSQL pod of the operator's, for
    # development; cloudnative-pg: a CloudNativePG cluster; external: a URL in a Secret.
    mode: str = "dev"
    external_secret: str = ""
    external_key: str = "url"
    image: str = "postgres:15"
    storage_size: str = "10Gi"
    storage_class: str | None = None
    retain_volume: bool = True
    cloudnative_pg: CloudNativePG = field(default_factory=CloudNativePG)

    @property
    def dev(self) -> bool:
        """The operator's own single PostgreSQL (a StatefulSet)."""
        return self.mode in ("dev", "managed")

    @property
    def cnpg(self) -> bool:
        return self.mode == "cloudnative-pg"

    @property
    def outlives_the_stack(self) -> bool:
        """Whether the data stays when the stack is deleted: an external database always
        does; the others when their spec says to keep it."""
        if self.dev:
            return self.retain_volume
        if self.cnpg:
            return self.cloudnative_pg.retain_on_delete
        return True


def database_from(database: dict[str, Any]) -> Database:
    """``spec.database`` read."""
    external, managed = database.get("external") or {}, database.get("managed") or {}
    return Database(
        mode=database.get("mode", "dev"),
        external_secret=external.get("secretName", ""),
        external_key=external.get("key", "url"),
        image=managed.get("image", "postgres:15"),
        storage_size=managed.get("storageSize", "10Gi"),
        storage_class=managed.get("storageClassName"),
        retain_volume=bool(managed.get("retainVolumeOnDelete", True)),
        cloudnative_pg=_cloudnative_pg(database.get("cloudnativePG") or {}),
    )


def _cloudnative_pg(raw: dict[str, Any]) -> CloudNativePG:
    backup = raw.get("backup") or {}
    return CloudNativePG(
        instances=int(raw.get("instances", 3)),
        synchronous_replicas=int(raw.get("synchronousReplicas", 1)),
        image=raw.get("imageName", ""),
        storage_size=raw.get("storageSize", "20Gi"),
        storage_class=raw.get("storageClassName"),
        retain_on_delete=bool(raw.get("retainOnDelete", True)),
        backup=Backup(
            destination_path=backup.get("destinationPath", ""),
            endpoint_url=backup.get("endpointURL", ""),
            credentials_secret=backup.get("s3CredentialsSecret", ""),
            retention=backup.get("retentionPolicy", "30d"),
            schedule=backup.get("schedule", "0 0 3 * * *"),
        ),
    )
