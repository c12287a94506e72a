"""The gateway's wallet pages: concurrent reads by different customers leave as one call to
the real wallet service, and each reader gets their own answer, refusals included."""

import asyncio
from collections.abc import AsyncIterator, Awaitable

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from prometheus_client import REGISTRY

from tekana.wallet.v1 import wallet_pb2
from tekana_common.context import Caller, Role
from tekana_common.grpc_errors import error_code, error_detail
from tekana_gateway.upstream import Wallets
from tekana_wallet.repository import PostgresWalletRepository
from tekana_wallet.rpc import WalletServicer
from tests.support.database import DATABASE
from tests.support.grpc import in_memory_channel

from .test_wallet_ledger import apply, funded

pytestmark = pytest.mark.usefixtures("wallet_database")

ANN, BOB = Caller(customer_id=1), Caller(customer_id=2)
ADMIN = Caller(customer_id=3, roles=frozenset({Role.ADMIN}))
WalletPages = Wallets


@pytest.fixture
async def pages() -> AsyncIterator[WalletPages]:
    servicer = WalletServicer(PostgresWalletRepository(DATABASE), "USD")
    async with in_memory_channel([servicer]) as channel:
        yield Wallets(channel, None)


def read(
    pages: WalletPages, account: str, reader: Caller, limit: int = 100
) -> Awaitable[wallet_pb2.WalletActivity]:
    return pages.with_activity(reader, account, limit=limit)


def calls_made() -> float:
    return REGISTRY.get_sample_value("tekana_batch_size_count", {"batch": "wallet_pages"}) or 0


async def test_concurrent_readers_share_one_call_and_each_sees_only_their_own(
    pages: WalletPages,
) -> None:
    anns, bobs = await funded(500, owner=1), await funded(0, owner=2)
    await apply(anns.account_number, bobs.account_number, 120)
    before = calls_made()

    results = await asyncio.gather(
        read(pages, anns.account_number, ANN, 100),
        read(pages, anns.account_number, BOB, 100),
        read(pages, bobs.account_number, BOB, 1),
        read(pages, anns.account_number, ADMIN, 1),
        read(pages, bobs.account_number, ANN, 100),
        return_exceptions=True,
    )

    assert calls_made() == before + 1
    anns_page, bob_on_anns, bobs_page, admin_page, ann_on_bobs = results
    assert not isinstance(anns_page, BaseException)
    assert anns_page.wallet.account_number == anns.account_number
    assert anns_page.wallet.balance.amount_minor == 380
    assert list(anns_page.amounts_minor) == [120, 500]
    assert not isinstance(bobs_page, BaseException)
    assert list(bobs_page.amounts_minor) == [120]
    assert not isinstance(admin_page, BaseException)
    assert list(admin_page.amounts_minor) == [120]
    for refused in (bob_on_anns, ann_on_bobs):
        assert isinstance(refused, GRPCError)
        assert (refused.status, error_code(refused)) == (Status.NOT_FOUND, "wallet_not_found")


async def test_a_query_refused_alone_fails_only_its_reader(pages: WalletPages) -> None:
    wallet = await funded(7, owner=1)
    good, bad = await asyncio.gather(
        read(pages, wallet.account_number, ANN, 100),
        read(pages, wallet.account_number, ANN, 0),
        return_exceptions=True,
    )
    assert not isinstance(good, BaseException)
    assert list(good.amounts_minor) == [7]
    assert isinstance(bad, GRPCError)
    assert (bad.status, error_code(bad)) == (Status.INVALID_ARGUMENT, "validation_failed")
    detail = error_detail(bad)
    assert detail is not None
    assert [v.field for v in detail.field_violations] == ["limit"]
