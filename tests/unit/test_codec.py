"""The faster encoder writes exactly the bytes betterproto2's own does."""

import betterproto2

from tekana_common import codec
from tekana_protos.tekana.common.v1 import Money
from tekana_protos.tekana.wallet import v1 as wallet_pb


def _sample() -> wallet_pb.ListEntriesResponse:
    return wallet_pb.ListEntriesResponse(
        entries=[
            wallet_pb.LedgerEntry(
                id=n,
                transfer_id="0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
                account_number="2000000000000018",
                direction=wallet_pb.EntryDirection.DEBIT
                if n % 2
                else wallet_pb.EntryDirection.CREDIT,
                amount=Money(amount_minor=n * 100, currency="USD"),
                balance_after=Money(amount_minor=0, currency="USD"),  # a default inside
                counterparty_account="",
                created_at_us=1_700_000_000_000_000 + n,
            )
            for n in range(5)
        ]
    )


def test_the_bytes_are_unchanged_and_read_back() -> None:
    installed = betterproto2.Message._get_field_default
    try:
        betterproto2.Message._get_field_default = codec.STOCK_FIELD_DEFAULT  # type: ignore[method-assign]
        stock = bytes(_sample())
        betterproto2.Message._get_field_default = codec._field_default  # type: ignore[method-assign]
        assert bytes(_sample()) == stock
        assert wallet_pb.ListEntriesResponse.parse(stock) == _sample()
    finally:
        betterproto2.Message._get_field_default = installed  # type: ignore[method-assign]


def test_installing_replaces_the_stock_lookup() -> None:
    codec.speed_up_encoding()
    assert betterproto2.Message._get_field_default is codec._field_default
