"""Amounts as the legacy surface writes them (an int when whole, else an exact decimal), and
times as both surfaces write them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tekana.common.v1.money_pb2 import Money
from tekana_common.money import MINOR_UNITS, minor_to_major
from tekana_gateway.presenters import major, timestamp


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (100, "USD", 1),
        (990050, "USD", Decimal("9900.5")),
        (-150, "USD", Decimal("-1.5")),
        (-200, "USD", -2),
        (7, "RWF", 7),
        (1, "USD", Decimal("0.01")),
        (0, "USD", 0),
    ],
)
def test_amounts_are_whole_or_exact(minor: int, currency: str, shown: Decimal | int) -> None:
    value = major(Money(amount_minor=minor, currency=currency))
    assert value == shown
    assert type(value) is type(shown)


def test_every_currency_and_sign_matches_the_exact_conversion() -> None:
    for currency in MINOR_UNITS:
        for minor in (*range(-1_050, 1_050, 7), 2**63 - 1, -(2**63)):
            value = major(Money(amount_minor=minor, currency=currency))
            exact = minor_to_major(minor, currency)
            assert value == exact
            assert isinstance(value, int) == (exact == exact.to_integral_value())


def test_no_amount_shows_as_zero() -> None:
    assert major(Money()) == 0


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 11, 25, 8, 0, 0, 123_457, tzinfo=UTC),
        datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC),  # no fraction: none written
        datetime(2026, 11, 25, 8, 0, 0, 1, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2038, 1, 19, 3, 14, 8, 500_000, tzinfo=UTC),
    ],
)
def test_timestamps_are_written_as_isoformat_writes_them(when: datetime) -> None:
    micros = (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert timestamp(micros) == when.isoformat()


def test_no_timestamp_is_null() -> None:
    assert timestamp(0) is None
