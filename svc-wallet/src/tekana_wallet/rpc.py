"""gRPC edge of the wallet service: protobuf in, one use-case, protobuf out."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from grpclib.const import Handler

from tekana.common.v1 import page_pb2
from tekana.wallet.v1 import wallet_pb2
from tekana_common import paging, upb
from tekana_common.context import Caller, current_caller
from tekana_common.grpc import add_answers
from tekana_protos.tekana.common.v1 import Money
from tekana_protos.tekana.wallet import v1 as pb
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
from tekana_wallet.repository import WalletRepository

TYPE_TO_PB = {
    WalletType.SAVING: pb.WalletType.SAVING,
    WalletType.PERSONAL: pb.WalletType.PERSONAL,
    WalletType.LOAN: pb.WalletType.LOAN,
    WalletType.FUNDING: pb.WalletType.FUNDING,
}
TYPE_FROM_PB = {v: k for k, v in TYPE_TO_PB.items()}
STATUS_TO_PB = {
    WalletStatus.ACTIVE: pb.WalletStatus.ACTIVE,
    WalletStatus.FROZEN: pb.WalletStatus.FROZEN,
}
DIRECTION_TO_UPB = {
    Direction.DEBIT: wallet_pb2.ENTRY_DIRECTION_DEBIT,
    Direction.CREDIT: wallet_pb2.ENTRY_DIRECTION_CREDIT,
}
OUTCOME_TO_UPB = {
    TransferStatus.COMPLETED: wallet_pb2.TRANSFER_STATUS_COMPLETED,
    TransferStatus.FAILED: wallet_pb2.TRANSFER_STATUS_FAILED,
}


def _micros(wallet_or_entry: Wallet | LedgerEntry) -> int:
    return int(wallet_or_entry.created_at.timestamp() * 1_000_000)


Message = TypeVar("Message")


def _wallet_message(
    wallet: Wallet, message: Callable[..., Message], money: Callable[..., Any]
) -> Message:
    # One field mapping for both message classes: betterproto2 (single wallets) and upb
    # (with a page of entries); their constructors take the same keywords.
    return message(
        id=wallet.id,
        account_number=wallet.account_number,
        owner_id=wallet.owner_id or 0,
        type=TYPE_TO_PB[wallet.type],
        status=STATUS_TO_PB[wallet.status],
        balance=money(amount_minor=wallet.balance, currency=wallet.currency),
        created_at_us=_micros(wallet),
    )


def wallet_to_pb(wallet: Wallet) -> pb.Wallet:
    return _wallet_message(wallet, pb.Wallet, Money)


def account_to_pb(wallet: Wallet) -> pb.Account:
    return pb.Account(
        account_number=wallet.account_number,
        owner_id=wallet.owner_id or 0,
        currency=wallet.currency,
        type=TYPE_TO_PB[wallet.type],
        status=STATUS_TO_PB[wallet.status],
    )


def _activity_query(query: wallet_pb2.WalletActivityQuery) -> ActivityQuery:
    reader = Caller.named(query.customer_id, admin=query.admin)
    return ActivityQuery(query.account_number, query.limit, reader)


def _activity_fields(page: tuple[Wallet, Activity]) -> dict[str, Any]:
    wallet, activity = page
    return {
        "wallet": _wallet_message(wallet, dict, dict),
        "transfer_ids": activity.transfer_ids,
        "directions": [DIRECTION_TO_UPB[d] for d in activity.directions],
        "amounts_minor": activity.amounts,
    }


def add_entry(page: wallet_pb2.ListEntriesResponse, entry: LedgerEntry) -> None:
    message = page.entries.add(
        id=entry.id,
        transfer_id=entry.transfer_id,
        account_number=entry.account_number,
        direction=DIRECTION_TO_UPB[entry.direction],
        counterparty_account=entry.counterparty_account,
        created_at_us=_micros(entry),
    )
    upb.set_money(message.amount, entry.amount, entry.currency)
    upb.set_money(message.balance_after, entry.balance_after, entry.currency)


@dataclass(eq=False)
class WalletServicer(pb.WalletServiceBase):
    repo: WalletRepository
    default_currency: str
    # Fault-injection hooks (no-ops unless configured): inside the ledger transaction just
    # before it commits, and after it committed but before the reply is sent.
    before_commit: Callable[[], Awaitable[None]] | None  # fault injection; None in production
    after_commit: Callable[[], Awaitable[None]]

    async def create_wallet(self, message: pb.CreateWalletRequest) -> pb.Wallet:
        wallet_type = TYPE_FROM_PB.get(message.type)
        wallet = await service.create_wallet(
            self.repo,
            caller=current_caller(),
            wallet_type=wallet_type.value if wallet_type else "",
            currency=message.currency or self.default_currency,
            idempotency_key=message.idempotency_key,
        )
        return wallet_to_pb(wallet)

    async def get_wallet(self, message: pb.GetWalletRequest) -> pb.Wallet:
        wallet = await service.get_wallet(
            self.repo, caller=current_caller(), account_number=message.account_number
        )
        return wallet_to_pb(wallet)

    async def list_wallets(self, message: pb.ListWalletsRequest) -> pb.ListWalletsResponse:
        wallets = await service.list_wallets(
            self.repo, caller=current_caller(), owner_id=message.owner_id
        )
        return pb.ListWalletsResponse(wallets=[wallet_to_pb(w) for w in wallets])

    def __mapping__(self) -> dict[str, Handler]:
        return upb.with_upb(
            super().__mapping__(),
            {
                upb.LIST_ENTRIES: self.entries_page,
                upb.GET_WALLET_ACTIVITIES: self.activities,
                upb.APPLY_TRANSFER: self.apply_one,
                upb.APPLY_TRANSFERS: self.apply_many,
            },
        )

    async def entries_page(self, message: pb.ListEntriesRequest) -> wallet_pb2.ListEntriesResponse:
        """ListEntries, answered in the upb class (a page is up to 100 entries)."""
        limit, after = paging.requested(message.page)
        _, page = await service.list_entries(
            self.repo,
            caller=current_caller(),
            account_number=message.account_number,
            limit=limit,
            after=after,
        )
        reply = wallet_pb2.ListEntriesResponse(
            page=page_pb2.PageInfo(has_more=page.has_more, next_after=page.next_after)
        )
        for entry in page.items:
            add_entry(reply, entry)
        return reply

    async def activities(
        self, message: wallet_pb2.GetWalletActivitiesRequest
    ) -> wallet_pb2.GetWalletActivitiesResponse:
        """GetWalletActivities, in upb classes both ways: the columns go in as whole lists."""
        results = await service.wallet_activities(
            self.repo, [_activity_query(q) for q in message.queries]
        )
        reply = wallet_pb2.GetWalletActivitiesResponse()
        add_answers(reply.answers, results, "activity", _activity_fields)
        return reply

    async def resolve_accounts(
        self, message: pb.ResolveAccountsRequest
    ) -> pb.ResolveAccountsResponse:
        wallets = await service.resolve_accounts(
            self.repo, account_numbers=list(message.account_numbers)
        )
        return pb.ResolveAccountsResponse(accounts=[account_to_pb(w) for w in wallets])

    async def get_funding_account(self, message: pb.GetFundingAccountRequest) -> pb.Account:
        wallet = await service.funding_account(
            self.repo, currency=message.currency or self.default_currency
        )
        return account_to_pb(wallet)

    async def apply_one(
        self, message: wallet_pb2.ApplyTransferRequest
    ) -> wallet_pb2.TransferOutcome:
        """ApplyTransfer, in upb classes both ways (on every lone transfer's path)."""
        outcome = await service.apply_transfer(
            self.repo, _transfer_request(message), before_commit=self.before_commit
        )
        await self.after_commit()
        return wallet_pb2.TransferOutcome(**outcome_fields(outcome))

    async def apply_many(
        self, message: wallet_pb2.ApplyTransfersRequest
    ) -> wallet_pb2.ApplyTransfersResponse:
        """ApplyTransfers, in upb classes both ways (concurrent transfers, grouped)."""
        outcomes = await service.apply_transfers(
            self.repo,
            [_transfer_request(t) for t in message.transfers],
            before_commit=self.before_commit,
        )
        await self.after_commit()
        reply = wallet_pb2.ApplyTransfersResponse()
        for outcome in outcomes:
            reply.outcomes.add(**outcome_fields(outcome))
        return reply


def _transfer_request(message: wallet_pb2.ApplyTransferRequest) -> TransferRequest:
    amount = message.amount
    return TransferRequest(
        transfer_id=message.transfer_id,
        from_account=message.from_account,
        to_account=message.to_account,
        amount=amount.amount_minor,
        currency=amount.currency,
    )


def outcome_fields(outcome: TransferOutcome) -> dict[str, Any]:
    return {
        "transfer_id": outcome.transfer_id,
        "status": OUTCOME_TO_UPB[outcome.status],
        "failure_code": outcome.refusal.value if outcome.refusal else "",
    }
