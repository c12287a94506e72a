"""The transaction service's settings (environment, prefix ``TEKANA_``)."""

from typing import Literal

from pydantic import Field

from tekana_common.settings import ServiceSettings
from tekana_transaction.domain import DEFAULT_CEILING_MAJOR


class TransactionSettings(ServiceSettings):
    grpc_port: int = 50053
    database_name: str = "tekana_transaction"
    wallet_addr: str = "127.0.0.1:50052"
    wallet_timeout: float = 10.0
    # A transfer mostly waits (on the wallet service, on a grouped write) without holding a
    # database connection, so more run at once than the pool has connections.
    max_concurrent_requests: int | None = 64
    # Customers may deposit into their own wallets (a test feature); admins always may.
    allow_test_deposits: bool = False
    # The most one transfer or deposit may carry, in major units: every currency, unless
    # named in the second (a JSON object, e.g. {"JPY": 150000000}).
    max_movement_major: int = DEFAULT_CEILING_MAJOR
    max_movement_major_by_currency: dict[str, int] = Field(default_factory=dict)
    # Pending transactions older than this are finished by the recovery loop.
    recovery_age_seconds: float = 5.0
    recovery_interval_seconds: float = 2.0
    # Fault injection for the crash-recovery tests: the process SIGKILLs itself right after
    # storing a transaction pending, or after the ledger applied it but before it is marked.
    fault_crash_point: Literal["", "after_pending", "after_apply"] = ""
