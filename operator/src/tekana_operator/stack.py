"""A TekanaStack's spec as typed values, with the CRD's defaults for anything left out."""

from dataclasses import dataclass, field
from typing import Any

from tekana_operator.database_spec import Database, database_from

COMPONENTS = ("gateway", "customer", "wallet", "transaction")
GRPC_PORTS = {"customer": 50051, "wallet": 50052, "transaction": 50053}
HTTP_PORT = 3000
METRICS_PORT = 9464
REDIS_PORT = 6379


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
class RateLimiting:
    """Login and registration limits, in Redis: one given by URL, or one the stack runs."""

    enabled: bool = True
    url: str = ""
    image: str = "redis:7.0"

    @property
    def managed(self) -> bool:
        return self.enabled and not self.url


@dataclass(frozen=True)
class Monitoring:
    # Labels of the namespaces whose pods may scrape the metrics port; empty: every one.
    scraper_namespace_labels: dict[str, str] = field(default_factory=dict)
    # A PodMonitor and a PrometheusRule, where the Prometheus Operator's CRDs are served.
    prometheus_operator: bool = True
    # On those two, for a Prometheus whose selectors choose by label.
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Tls:
    """Mutual TLS between the gateway and the services, with certificates the operator
    issues from the stack's own authority (``operator``), or none (``disabled``)."""

    mode: str = "operator"

    @property
    def enabled(self) -> bool:
        return self.mode == "operator"


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
    # production or development: a development database outside development is warned of.
    environment: str = "production"
    # The gateway refuses registration and money movements (503, Retry-After).
    read_only: bool = False
    jwt_ttl_seconds: int = 900
    rate_limiting: RateLimiting = field(default_factory=RateLimiting)
    monitoring: Monitoring = field(default_factory=Monitoring)
    tls: Tls = field(default_factory=Tls)

    @property
    def labels(self) -> dict[str, str]:
        return {
            "app.kubernetes.io/name": "tekana",
            "app.kubernetes.io/instance": self.name,
            "app.kubernetes.io/managed-by": "tekana-operator",
        }

    def child(self, suffix: str) -> str:
        return f"{self.name}-{suffix}"

    def tls_secret(self, component: str) -> str:
        """The Secret holding ``component``'s certificate, key and the authority's."""
        return self.child(f"{component}-tls")

    @property
    def runs_collector(self) -> bool:
        """Whether the stack runs its own trace collector (tracing on, no endpoint given)."""
        tracing = self.tracing
        return tracing.enabled and tracing.deploy_collector and not tracing.otlp_endpoint

    @property
    def redis_url(self) -> str:
        """Where the gateway and the customer service find Redis; empty: limits off."""
        if not self.rate_limiting.enabled:
            return ""
        return self.rate_limiting.url or f"redis://{self.child('redis')}:{REDIS_PORT}/0"


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
    ingress = spec.get("ingress") or {}
    tracing = spec.get("tracing") or {}
    limiting, monitoring = spec.get("rateLimiting") or {}, spec.get("monitoring") or {}
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
        database=database_from(spec.get("database") or {}),
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
        environment=spec.get("environment", "production"),
        read_only=bool(spec.get("readOnly", False)),
        rate_limiting=RateLimiting(
            enabled=bool(limiting.get("enabled", True)),
            url=limiting.get("redisURL", ""),
            image=limiting.get("redisImage", "redis:7.0"),
        ),
        tls=Tls(mode=(spec.get("tls") or {}).get("mode", "operator")),
        monitoring=Monitoring(
            scraper_namespace_labels=dict(monitoring.get("scraperNamespaceLabels") or {}),
            prometheus_operator=bool(monitoring.get("prometheusOperator", True)),
            labels=dict(monitoring.get("labels") or {}),
        ),
        jwt_ttl_seconds=int(spec.get("jwtTtlSeconds", 900)),
    )
