"""The client of the wallet service: the ``Ledger`` port (``ports``) over gRPC. A call that
may or may not have reached the ledger raises ``LedgerUnavailable``."""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from grpclib.client import Channel
from grpclib.const import Status as GrpcStatus
from grpclib.exceptions import GRPCError, StreamTerminatedError

from tekana.wallet.v1 import wallet_grpc
from tekana.wallet.v1 import wallet_pb2 as wallet_pb
from tekana_common.batching import Batcher
from tekana_common.errors import InvalidArgument
from tekana_common.grpc_errors import error_detail
from tekana_transaction.domain import Account, LedgerAnswer
from tekana_transaction.ports import LedgerUnavailable

T = TypeVar("T")

_UNKNOWN_OUTCOME = (GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED)


# Accounts one ResolveAccounts call may name (the wallet service refuses more).
RESOLVE_MAX = 100


class WalletClient:
    """Resolved accounts are remembered (the most recently used ``remembered`` of them): a
    wallet's owner and currency never change once it exists, and the ledger checks status
    and balance itself when it applies a transfer. Unknown accounts are always asked again,
    since they may be opened at any moment."""

    def __init__(self, channel: Channel, *, timeout: float, remembered: int = 100_000) -> None:
        self._stub = wallet_grpc.WalletServiceStub(channel)
        self._timeout = timeout
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
                    self._stub.ResolveAccounts(
                        wallet_pb.ResolveAccountsRequest(account_numbers=chunk),
                        timeout=self._timeout,
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
                self._stub.GetFundingAccount(
                    wallet_pb.GetFundingAccountRequest(currency=currency), timeout=self._timeout
                )
            )
            self._funding[currency] = reply.account_number
        return self._funding[currency]

    async def apply(
        self,
        *,
        transfer_id: str,
        from_account: str,
        to_account: str,
        amount: int,
        currency: str,
        reference: int = 0,
    ) -> LedgerAnswer:
        # Keywords: upb builds the nested message in place.
        request = wallet_pb.ApplyTransferRequest(
            transfer_id=transfer_id,
            from_account=from_account,
            to_account=to_account,
            amount={"amount_minor": amount, "currency": currency},
            reference=reference,
        )
        return await self._applies.submit(request)

    async def _apply_batch(
        self, batch: list[wallet_pb.ApplyTransferRequest]
    ) -> list[LedgerAnswer | Exception]:
        try:
            outcomes = await self._apply(batch)
        except (InvalidArgument, GRPCError):
            if len(batch) == 1:
                raise
            # One transfer the ledger will not take must not fail the others with it.
            return [await self._apply_alone(request) for request in batch]
        return [_outcome(o) for o in outcomes]

    async def _apply_alone(
        self, request: wallet_pb.ApplyTransferRequest
    ) -> LedgerAnswer | Exception:
        try:
            (outcome,) = await self._apply([request])
            return _outcome(outcome)
        except Exception as exc:  # that transfer's own answer, raised to its caller only
            return exc

    async def _apply(
        self, transfers: list[wallet_pb.ApplyTransferRequest]
    ) -> Sequence[wallet_pb.TransferOutcome]:
        request = wallet_pb.ApplyTransfersRequest(transfers=transfers)
        reply = await _call(self._stub.ApplyTransfers(request, timeout=self._timeout))
        return reply.outcomes


def _outcome(reply: wallet_pb.TransferOutcome) -> LedgerAnswer:
    completed = reply.status == wallet_pb.TRANSFER_STATUS_COMPLETED
    return LedgerAnswer(completed=completed, failure_code="" if completed else reply.failure_code)


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
