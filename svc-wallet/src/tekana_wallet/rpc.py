"""gRPC edge of the wallet service: protobuf in, one use-case, protobuf out."""

from dataclasses import dataclass
from typing import Any

from grpclib.server import Stream

from tekana.wallet.v1 import wallet_grpc
from tekana.wallet.v1 import wallet_pb2 as pb
from tekana_common.context import caller_of, page_requested
from tekana_common.grpc_errors import add_answers
from tekana_common.grpc_server import receive
from tekana_wallet import service
from tekana_wallet.domain import (
    Activity,
    ActivityQuery,
    Direction,
    LedgerEntry,
    TransferOutcome,
    TransferRequest,
    TransferStatus,
    Wallet,
    WalletStatus,
    WalletType,
)
from tekana_wallet.ports import WalletRepository

TYPE_TO_PB = {
    WalletType.SAVING: pb.WALLET_TYPE_SAVING,
    WalletType.PERSONAL: pb.WALLET_TYPE_PERSONAL,
    WalletType.LOAN: pb.WALLET_TYPE_LOAN,
    WalletType.FUNDING: pb.WALLET_TYPE_FUNDING,
    WalletType.MIGRATION: pb.WALLET_TYPE_MIGRATION,
    WalletType.RECEIVABLE: pb.WALLET_TYPE_RECEIVABLE,
}
TYPE_FROM_PB = {v: k for k, v in TYPE_TO_PB.items()}
STATUS_TO_PB = {
    WalletStatus.ACTIVE: pb.WALLET_STATUS_ACTIVE,
    WalletStatus.FROZEN: pb.WALLET_STATUS_FROZEN,
}
DIRECTION_TO_PB = {
    Direction.DEBIT: pb.ENTRY_DIRECTION_DEBIT,
    Direction.CREDIT: pb.ENTRY_DIRECTION_CREDIT,
}
OUTCOME_TO_PB = {
    TransferStatus.COMPLETED: pb.TRANSFER_STATUS_COMPLETED,
    TransferStatus.FAILED: pb.TRANSFER_STATUS_FAILED,
}


def _micros(wallet_or_entry: Wallet | LedgerEntry) -> int:
    return int(wallet_or_entry.created_at.timestamp() * 1_000_000)


def wallet_fields(wallet: Wallet) -> dict[str, Any]:
    """A ``Wallet`` message's fields (keywords: upb builds nested messages in place)."""
    return {
        "id": wallet.id,
        "account_number": wallet.account_number,
        "owner_id": wallet.owner_id or 0,
        "type": TYPE_TO_PB[wallet.type],
        "status": STATUS_TO_PB[wallet.status],
        "balance": {"amount_minor": wallet.balance, "currency": wallet.currency},
        "created_at_us": _micros(wallet),
    }


def _account_fields(wallet: Wallet) -> dict[str, Any]:
    return {
        "account_number": wallet.account_number,
        "owner_id": wallet.owner_id or 0,
        "currency": wallet.currency,
        "type": TYPE_TO_PB[wallet.type],
        "status": STATUS_TO_PB[wallet.status],
    }


def _entry_fields(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "transfer_id": entry.transfer_id,
        "account_number": entry.account_number,
        "direction": DIRECTION_TO_PB[entry.direction],
        "amount": {"amount_minor": entry.amount, "currency": entry.currency},
        "balance_after": {"amount_minor": entry.balance_after, "currency": entry.currency},
        "counterparty_account": entry.counterparty_account,
        "created_at_us": _micros(entry),
        "imported": entry.imported,
        "reference": entry.reference or 0,
    }


def _activity_fields(page: tuple[Wallet, Activity]) -> dict[str, Any]:
    wallet, activity = page
    return {
        "wallet": wallet_fields(wallet),
        "transfer_ids": activity.transfer_ids,
        "directions": [DIRECTION_TO_PB[d] for d in activity.directions],
        "amounts_minor": activity.amounts,
        "references": activity.references,
        "imported": activity.imported,
    }


def _activity_query(query: pb.WalletActivityQuery) -> ActivityQuery:
    return ActivityQuery(query.account_number, query.limit, caller_of(query))


def _transfer_request(message: pb.ApplyTransferRequest) -> TransferRequest:
    amount = message.amount
    return TransferRequest(
        transfer_id=message.transfer_id,
        from_account=message.from_account,
        to_account=message.to_account,
        amount=amount.amount_minor,
        currency=amount.currency,
        reference=message.reference,
    )


def _outcome_fields(outcome: TransferOutcome) -> dict[str, Any]:
    return {
        "transfer_id": outcome.transfer_id,
        "status": OUTCOME_TO_PB[outcome.status],
        "failure_code": outcome.refusal.value if outcome.refusal else "",
    }


@dataclass(eq=False)
class WalletServicer(wallet_grpc.WalletServiceBase):
    repo: WalletRepository
    default_currency: str

    async def CreateWallet(self, stream: Stream[pb.CreateWalletRequest, pb.Wallet]) -> None:
        request = await receive(stream)
        wallet_type = TYPE_FROM_PB.get(request.type)
        wallet = await service.create_wallet(
            self.repo,
            caller=caller_of(request),
            wallet_type=wallet_type.value if wallet_type else "",
            currency=request.currency or self.default_currency,
            idempotency_key=request.idempotency_key,
        )
        await stream.send_message(pb.Wallet(**wallet_fields(wallet)))

    async def GetWallet(self, stream: Stream[pb.GetWalletRequest, pb.Wallet]) -> None:
        request = await receive(stream)
        wallet = await service.get_wallet(
            self.repo, caller=caller_of(request), account_number=request.account_number
        )
        await stream.send_message(pb.Wallet(**wallet_fields(wallet)))

    async def ListWallets(
        self, stream: Stream[pb.ListWalletsRequest, pb.ListWalletsResponse]
    ) -> None:
        request = await receive(stream)
        wallets = await service.list_wallets(
            self.repo, caller=caller_of(request), owner_id=request.owner_id
        )
        await stream.send_message(
            pb.ListWalletsResponse(wallets=[wallet_fields(w) for w in wallets])
        )

    async def ListEntries(
        self, stream: Stream[pb.ListEntriesRequest, pb.ListEntriesResponse]
    ) -> None:
        request = await receive(stream)
        limit, after = page_requested(request.page)
        _, page = await service.list_entries(
            self.repo,
            caller=caller_of(request),
            account_number=request.account_number,
            limit=limit,
            after=after,
        )
        # Built in place, entry by entry: a message built apart and handed over is copied.
        reply = pb.ListEntriesResponse(
            page={"has_more": page.has_more, "next_after": page.next_after}
        )
        for entry in page.items:
            reply.entries.add(**_entry_fields(entry))
        await stream.send_message(reply)

    async def GetWalletActivities(
        self, stream: Stream[pb.GetWalletActivitiesRequest, pb.GetWalletActivitiesResponse]
    ) -> None:
        request = await receive(stream)
        results = await service.wallet_activities(
            self.repo, [_activity_query(q) for q in request.queries]
        )
        reply = pb.GetWalletActivitiesResponse()
        add_answers(reply.answers, results, "activity", _activity_fields)
        await stream.send_message(reply)

    async def ResolveAccounts(
        self, stream: Stream[pb.ResolveAccountsRequest, pb.ResolveAccountsResponse]
    ) -> None:
        request = await receive(stream)
        wallets = await service.resolve_accounts(
            self.repo, account_numbers=list(request.account_numbers)
        )
        await stream.send_message(
            pb.ResolveAccountsResponse(accounts=[_account_fields(w) for w in wallets])
        )

    async def GetFundingAccount(
        self, stream: Stream[pb.GetFundingAccountRequest, pb.Account]
    ) -> None:
        request = await receive(stream)
        wallet = await service.funding_account(
            self.repo, currency=request.currency or self.default_currency
        )
        await stream.send_message(pb.Account(**_account_fields(wallet)))

    async def ApplyTransfers(
        self, stream: Stream[pb.ApplyTransfersRequest, pb.ApplyTransfersResponse]
    ) -> None:
        request = await receive(stream)
        outcomes = await service.apply_transfers(
            self.repo, [_transfer_request(t) for t in request.transfers]
        )
        reply = pb.ApplyTransfersResponse()
        for outcome in outcomes:
            reply.outcomes.add(**_outcome_fields(outcome))
        await stream.send_message(reply)
