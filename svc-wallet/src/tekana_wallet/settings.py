"""The wallet service's settings (environment, prefix ``TEKANA_``)."""

from typing import Literal

from tekana_common.settings import ServiceSettings


class WalletSettings(ServiceSettings):
    grpc_port: int = 50052
    database_name: str = "tekana_wallet"
    # Fault injection for the crash-recovery tests: the process SIGKILLs itself at this point
    # of ApplyTransfer. Empty (the default) disables it.
    fault_crash_point: Literal["", "apply_before_commit", "apply_after_commit"] = ""
