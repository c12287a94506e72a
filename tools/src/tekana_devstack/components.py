"""The platform's processes as ``up`` starts them, and the settings each one receives."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ports:
    gateway: int = 3000
    customer: int = 50051


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    module: str
    migrates: bool


SERVICES = (Component("customer", "tekana_customer", migrates=True),)
GATEWAY = Component("gateway", "tekana_gateway", migrates=False)


def service_env(*, ports: Ports, database_prefix: str) -> dict[str, dict[str, str]]:
    """Per-component environment: ports, database names and upstream addresses."""
    return {
        "customer": {
            "TEKANA_GRPC_PORT": str(ports.customer),
            "TEKANA_DATABASE_NAME": f"{database_prefix}_customer",
        },
        "gateway": {
            "TEKANA_HTTP_PORT": str(ports.gateway),
            "TEKANA_CUSTOMER_ADDR": f"127.0.0.1:{ports.customer}",
        },
    }
