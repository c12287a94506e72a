"""The platform's processes as ``up`` starts them, and the settings each one receives."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ports:
    gateway: int = 3000
    customer: int = 50051
    wallet: int = 50052
    transaction: int = 50053
    # Below the kernel's ephemeral range, so no outgoing connection can hold them.
    gateway_metrics: int = 9100
    customer_metrics: int = 9101
    wallet_metrics: int = 9102
    transaction_metrics: int = 9103


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    module: str


SERVICES = (
    Component("customer", "tekana_customer"),
    Component("wallet", "tekana_wallet"),
    Component("transaction", "tekana_transaction"),
)
GATEWAY = Component("gateway", "tekana_gateway")


def component_env(*, ports: Ports, database_prefix: str) -> dict[str, dict[str, str]]:
    """Per-component environment: ports, database names and upstream addresses."""
    services = {
        name: {
            "TEKANA_GRPC_PORT": str(getattr(ports, name)),
            "TEKANA_METRICS_PORT": str(getattr(ports, f"{name}_metrics")),
            "TEKANA_DATABASE_NAME": f"{database_prefix}_{name}",
        }
        for name in ("customer", "wallet", "transaction")
    }
    # Revocations and limits in Redis under the platform's own prefix, so platforms
    # sharing one Redis (tests, benchmarks) never see each other's keys.
    services["customer"]["TEKANA_REDIS_PREFIX"] = database_prefix
    services["transaction"].update(
        TEKANA_WALLET_ADDR=f"127.0.0.1:{ports.wallet}",
        # A laptop platform is for trying things: customers may fund their own wallets.
        TEKANA_ALLOW_TEST_DEPOSITS="true",
    )
    gateway = {
        "TEKANA_HTTP_PORT": str(ports.gateway),
        "TEKANA_METRICS_PORT": str(ports.gateway_metrics),
        "TEKANA_REDIS_PREFIX": database_prefix,
        "TEKANA_CUSTOMER_ADDR": f"127.0.0.1:{ports.customer}",
        "TEKANA_WALLET_ADDR": f"127.0.0.1:{ports.wallet}",
        "TEKANA_TRANSACTION_ADDR": f"127.0.0.1:{ports.transaction}",
    }
    return {**services, "gateway": gateway}
