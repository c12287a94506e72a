"""The transaction service remembers resolved accounts (owner and currency never change), and
asks again for accounts it has not seen or that did not exist."""

import asyncio

from grpclib.const import Cardinality, Handler
from grpclib.server import Stream

from tekana.wallet.v1 import wallet_pb2 as wallet_pb
from tekana_common.grpc_server import receive
from tekana_transaction.domain import Account
from tekana_transaction.wallet_client import RESOLVE_MAX, WalletClient
from tests.support.grpc import in_memory_channel


class CountingWallets:
    """A wallet service that serves ResolveAccounts alone, counting what it is asked."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.known = {"A": 1, "B": 2}

    def __mapping__(self) -> dict[str, Handler]:
        return {
            "/tekana.wallet.v1.WalletService/ResolveAccounts": Handler(
                self.resolve_accounts,
                Cardinality.UNARY_UNARY,
                wallet_pb.ResolveAccountsRequest,
                wallet_pb.ResolveAccountsResponse,
            )
        }

    async def resolve_accounts(
        self, stream: Stream[wallet_pb.ResolveAccountsRequest, wallet_pb.ResolveAccountsResponse]
    ) -> None:
        message = await receive(stream)
        # As the wallet service does: at most RESOLVE_MAX accounts a call.
        assert len(message.account_numbers) <= RESOLVE_MAX
        self.asked.append(list(message.account_numbers))
        await stream.send_message(
            wallet_pb.ResolveAccountsResponse(
                accounts=[
                    {"account_number": n, "owner_id": self.known[n], "currency": "USD"}
                    for n in message.account_numbers
                    if n in self.known
                ]
            )
        )


async def test_known_accounts_are_not_asked_for_again() -> None:
    wallets = CountingWallets()
    async with in_memory_channel([wallets]) as channel:
        ledger = WalletClient(channel, timeout=5)
        first = await ledger.resolve(["A", "B"])
        again = await ledger.resolve(["B", "A"])
    assert first == again == {"A": Account("A", 1, "USD"), "B": Account("B", 2, "USD")}
    assert wallets.asked == [["A", "B"]]


async def test_unknown_accounts_are_asked_for_every_time() -> None:
    wallets = CountingWallets()
    async with in_memory_channel([wallets]) as channel:
        ledger = WalletClient(channel, timeout=5)
        assert await ledger.resolve(["A", "C"]) == {"A": Account("A", 1, "USD")}
        wallets.known["C"] = 3  # opened meanwhile
        assert await ledger.resolve(["A", "C"]) == {
            "A": Account("A", 1, "USD"),
            "C": Account("C", 3, "USD"),
        }
    assert wallets.asked == [["A", "C"], ["C"]]


async def test_only_the_most_recently_used_are_remembered() -> None:
    wallets = CountingWallets()
    async with in_memory_channel([wallets]) as channel:
        ledger = WalletClient(channel, timeout=5, remembered=1)
        await ledger.resolve(["A"])
        await ledger.resolve(["B"])
        await ledger.resolve(["A"])
    assert wallets.asked == [["A"], ["B"], ["A"]]


async def test_a_batch_naming_more_accounts_than_a_call_may_is_split() -> None:
    wallets = CountingWallets()
    wallets.known = {f"{n:04d}": n + 1 for n in range(300)}
    async with in_memory_channel([wallets]) as channel:
        ledger = WalletClient(channel, timeout=5)
        # 150 transfers at once, two accounts each: one batch of 300 unknown accounts.
        pairs = [[f"{2 * n:04d}", f"{2 * n + 1:04d}"] for n in range(150)]
        found = await asyncio.gather(*(ledger.resolve(pair) for pair in pairs))
    assert all(len(accounts) == 2 for accounts in found)
    assert sorted(n for call in wallets.asked for n in call) == sorted(wallets.known)
    assert max(len(call) for call in wallets.asked) <= RESOLVE_MAX
