"""The wallet service as this service sees it: a ledger that resolves accounts and applies
transfers. ``LedgerUnavailable`` means the outcome is unknown, never that it failed."""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Protocol, TypeVar

from grpclib.client import Channel
from grpclib.const import Status as GrpcStatus
from grpclib.exceptions import GRPCError, StreamTerminatedError

from tekana.wallet.v1 import wallet_pb2
from tekana_common import upb
from tekana_common.batching import Batcher
from tekana_common.errors import InvalidArgument
from tekana_common.grpc import error_detail
from tekana_protos.tekana.wallet import v1 as wallet_pb
from tekana_transaction.domain import Account, Outcome

T = TypeVar("T")

_UNKNOWN_OUTCOME = (GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED)


class LedgerUnavailable(Exception):
    """The wallet service did not answer; whether it applied the transfer is unknown."""


class Ledger(Protocol):
    async def resolve(self, account_numbers: list[str]) -> dict[str, Account]: ...

    async def funding_account(self, currency: str) -> str: ...

    async def apply(
        self, *, transfer_id: str, from_account: str, to_account: str, amount: int, currency: str
    ) -> Outcome: ...


# Accounts one ResolveAccounts call may name (the wallet service refuses more).
RESOLVE_MAX = 100


class GrpcLedger:
    """Resolved accounts are remembered (the most recently used ``remembered`` of them): a
    wallet's owner and currency never change once it exists, and the ledger checks status
    and balance itself when it applies a transfer. Unknown accounts are always asked again,
    since they may be opened at any moment."""

    def __init__(self, channel: Channel, *, timeout: float, remembered: int = 100_000) -> None:
        self._stub = wallet_pb.WalletServiceStub(channel, timeout=timeout)
        self._funding: dict[str, str] = {}
        self._accounts: OrderedDict[str, Account] = OrderedDict()
        self._remembered = remembered
        # Concurrent transfers go to the ledger together: one call, one database transaction.
        self._applies = Batcher(self._apply_batch, name="wallet_apply")
        self._lookups = Batcher(self._lookup_batch, name="wallet_resolve")

    async def resolve(self, account_numbers: list[str]) -> dict[str, Account]:
        known = {n: self._accounts[n] for n in account_numbers if n in self._accounts}
        for number in known:
            self._accounts.move_to_end(number)
        missing = [n for n in account_numbers if n not in known]
        if not missing:
            return known
        for account in await self._lookups.submit(missing):
            known[account.account_number] = self._accounts[account.account_number] = account
        while len(self._accounts) > self._remembered:
            self._accounts.popitem(last=False)
        return known

    async def _lookup_batch(self, batch: list[list[str]]) -> list[list[Account]]:
        """Every concurrent caller's unknown accounts in as few ResolveAccounts calls as the
        wallet service's limit per call allows (a batch of transfers names two each)."""
        wanted = sorted({n for numbers in batch for n in numbers})
        chunks = [wanted[i : i + RESOLVE_MAX] for i in range(0, len(wanted), RESOLVE_MAX)]
        replies = await asyncio.gather(
            *(
                _call(
                    self._stub.resolve_accounts(
                        wallet_pb.ResolveAccountsRequest(account_numbers=chunk)
                    )
                )
                for chunk in chunks
            )
        )
        found = {
            a.account_number: Account(a.account_number, a.owner_id or None, a.currency)
            for reply in replies
            for a in reply.accounts
        }
        return [[found[n] for n in numbers if n in found] for numbers in batch]

    async def funding_account(self, currency: str) -> str:
        # The funding wallet of a currency never changes once created.
        if currency not in self._funding:
            reply = await _call(
                self._stub.get_funding_account(
                    wallet_pb.GetFundingAccountRequest(currency=currency)
                )
            )
            self._funding[currency] = reply.account_number
        return self._funding[currency]

    async def apply(
        self, *, transfer_id: str, from_account: str, to_account: str, amount: int, currency: str
    ) -> Outcome:
        # In upb classes (on every transfer's path, decision 0017); a dict builds the
        # nested message in place.
        request = wallet_pb2.ApplyTransferRequest(
            transfer_id=transfer_id,
            from_account=from_account,
            to_account=to_account,
            amount={"amount_minor": amount, "currency": currency},
        )
        return await self._applies.submit(request)

    async def _apply_batch(
        self, batch: list[wallet_pb2.ApplyTransferRequest]
    ) -> list[Outcome | Exception]:
        if len(batch) == 1:
            return [await self._apply_one(batch[0])]
        try:
            reply = await _call(
                upb.call(
                    self._stub,
                    upb.APPLY_TRANSFERS,
                    wallet_pb2.ApplyTransfersRequest(transfers=batch),
                )
            )
        except (InvalidArgument, GRPCError):
            # One transfer the ledger will not take must not fail the others with it.
            return [await self._apply_alone(request) for request in batch]
        return [_outcome(o) for o in reply.outcomes]

    async def _apply_alone(self, request: wallet_pb2.ApplyTransferRequest) -> Outcome | Exception:
        try:
            return await self._apply_one(request)
        except Exception as exc:  # that transfer's own answer, raised to its caller only
            return exc

    async def _apply_one(self, request: wallet_pb2.ApplyTransferRequest) -> Outcome:
        return _outcome(await _call(upb.call(self._stub, upb.APPLY_TRANSFER, request)))


def _outcome(reply: wallet_pb2.TransferOutcome) -> Outcome:
    completed = reply.status == wallet_pb2.TRANSFER_STATUS_COMPLETED
    return Outcome(completed=completed, failure_code="" if completed else reply.failure_code)


async def _call(pending: Awaitable[T]) -> T:
    try:
        return await pending
    except GRPCError as exc:
        if exc.status in _UNKNOWN_OUTCOME:
            raise LedgerUnavailable(str(exc.status)) from exc
        detail = error_detail(exc)
        if exc.status == GrpcStatus.INVALID_ARGUMENT and detail is not None:
            raise InvalidArgument(detail.code, detail.message) from exc
        raise
    except (StreamTerminatedError, ConnectionError, OSError, TimeoutError) as exc:
        raise LedgerUnavailable(type(exc).__name__) from exc
