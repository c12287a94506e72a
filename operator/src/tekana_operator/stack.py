"""A TekanaStack's spec as typed values, with the CRD's defaults for anything left out."""

from dataclasses import dataclass, field
from typing import Any

COMPONENTS = ("gateway", "customer", "wallet", "transaction")
GRPC_PORTS = {"customer": 50051, "wallet": 50052, "transaction": 50053}
HTTP_PORT = 3000
METRICS_PORT = 9464


@dataclass(frozen=True)
class Resources:
    cpu_request: str = "100m"
    memory_request: str = "128Mi"
    cpu_limit: str = "1"
    memory_limit: str = "512Mi"

    def as_k8s(self) -> dict[str, Any]:
        return {
            "requests": {"cpu": self.cpu_request, "memory": self.memory_request},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory_limit},
        }


@dataclass(frozen=True)
class Component:
    name: str
    image: str
    replicas: int = 2
    resources: Resources = field(default_factory=Resources)


@dataclass(frozen=True)
class Autoscaling:
    enabled: bool = False
    min_replicas: int = 2
    max_replicas: int = 10
    target_cpu: int = 70


@dataclass(frozen=True)
class Database:
    mode: str = "managed"
    external_secret: str = ""
    external_key: str = "url"
    image: str = "postgres:15"
    storage_size: str = "10Gi"
    storage_class: str | None = None
    retain_volume: bool = True


@dataclass(frozen=True)
class Ingress:
    enabled: bool = True
    host: str = "tekana.local"
    class_name: str = "nginx"
    tls_secret: str | None = None
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Tracing:
    enabled: bool = False
    sampling_ratio: float = 0.1
    otlp_endpoint: str = ""
    deploy_collector: bool = True


@dataclass(frozen=True)
class Stack:
    name: str
    namespace: str
    uid: str
    generation: int
    pull_policy: str
    components: dict[str, Component]
    autoscaling: Autoscaling
    database: Database
    ingress: Ingress
    tracing: Tracing
    test_deposits: bool = False
    jwt_ttl_seconds: int = 900
    redis_url: str = ""

    @property
    def labels(self) -> dict[str, str]:
        return {
            "app.kubernetes.io/name": "tekana",
            "app.kubernetes.io/instance": self.name,
            "app.kubernetes.io/managed-by": "tekana-operator",
        }

    def child(self, suffix: str) -> str:
        return f"{self.name}-{suffix}"


def _component(name: str, raw: dict[str, Any], registry: str, tag: str) -> Component:
    image = raw.get("image") or {}
    resources = raw.get("resources") or {}
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    defaults = Resources()
    return Component(
        name=name,
        image=f"{image.get('repository') or f'{registry}/{name}'}:{image.get('tag') or tag}",
        replicas=int(raw.get("replicas", 2)),
        resources=Resources(
            cpu_request=requests.get("cpu", defaults.cpu_request),
            memory_request=requests.get("memory", defaults.memory_request),
            cpu_limit=limits.get("cpu", defaults.cpu_limit),
            memory_limit=limits.get("memory", defaults.memory_limit),
        ),
    )


def parse(body: dict[str, Any]) -> Stack:
    """The stack a TekanaStack object describes."""
    meta, spec = body["metadata"], body.get("spec") or {}
    image = spec.get("image") or {}
    registry, tag = image.get("registry", "tekana"), image.get("tag", "0.1.0")
    components = spec.get("components") or {}
    scaling = spec.get("autoscaling") or {}
    database = spec.get("database") or {}
    external, managed = database.get("external") or {}, database.get("managed") or {}
    ingress = spec.get("ingress") or {}
    tracing = spec.get("tracing") or {}
    return Stack(
        name=meta["name"],
        namespace=meta.get("namespace", "default"),
        uid=meta.get("uid", ""),
        generation=int(meta.get("generation", 1)),
        pull_policy=image.get("pullPolicy", "IfNotPresent"),
        components={
            name: _component(name, components.get(name) or {}, registry, tag) for name in COMPONENTS
        },
        autoscaling=Autoscaling(
            enabled=bool(scaling.get("enabled", False)),
            min_replicas=int(scaling.get("minReplicas", 2)),
            max_replicas=int(scaling.get("maxReplicas", 10)),
            target_cpu=int(scaling.get("targetCPUUtilizationPercentage", 70)),
        ),
        database=Database(
            mode=database.get("mode", "managed"),
            external_secret=external.get("secretName", ""),
            external_key=external.get("key", "url"),
            image=managed.get("image", "postgres:15"),
            storage_size=managed.get("storageSize", "10Gi"),
            storage_class=managed.get("storageClassName"),
            retain_volume=bool(managed.get("retainVolumeOnDelete", True)),
        ),
        ingress=Ingress(
            enabled=bool(ingress.get("enabled", True)),
            # Apart for each stack: two that claimed one host would split its traffic.
            host=ingress.get("host")
            or f"{meta['name']}.{meta.get('namespace', 'default')}.tekana.local",
            class_name=ingress.get("className", "nginx"),
            tls_secret=ingress.get("tlsSecretName"),
            annotations=dict(ingress.get("annotations") or {}),
        ),
        tracing=Tracing(
            enabled=bool(tracing.get("enabled", False)),
            sampling_ratio=float(tracing.get("samplingRatio", 0.1)),
            otlp_endpoint=tracing.get("otlpEndpoint", ""),
            deploy_collector=bool(tracing.get("deployCollector", True)),
        ),
        test_deposits=bool(spec.get("testDeposits", False)),
        redis_url=(spec.get("rateLimiting") or {}).get("redisURL", ""),
        jwt_ttl_seconds=int(spec.get("jwtTtlSeconds", 900)),
    )
