"""Amounts as the legacy surface writes them: an int when whole, else an exact decimal."""

from decimal import Decimal

import pytest

from tekana_common.money import MINOR_UNITS, minor_to_major
from tekana_gateway.presenters import major
from tekana_protos.tekana.common.v1 import Money


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
    assert major(None) == 0
