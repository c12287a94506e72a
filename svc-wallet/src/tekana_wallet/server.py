"""Composition root: builds the wallet service's objects and runs them."""

from tekana_common import faults
from tekana_common.runtime import running_database, serve_service
from tekana_wallet.repository import TortoiseWalletRepository
from tekana_wallet.rpc import WalletServicer
from tekana_wallet.settings import WalletSettings

SERVICE = "svc-wallet"
APP = "tekana_wallet"


def build_servicer(settings: WalletSettings) -> WalletServicer:
    point = settings.fault_crash_point
    return WalletServicer(
        repo=TortoiseWalletRepository(),
        default_currency=settings.default_currency,
        before_commit=faults.optional_hook(point, "apply_before_commit"),
        after_commit=faults.hook(point, "apply_after_commit"),
    )


async def main(settings: WalletSettings) -> None:
    async with running_database(settings, APP):
        await serve_service(settings, name=SERVICE, servicers=[build_servicer(settings)])
