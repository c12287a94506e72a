"""Exact money: minor units, ISO 4217 exponents, strict conversion of JSON numbers."""

from decimal import Decimal

import pytest

from tekana_common.errors import InvalidArgument
from tekana_common.money import BIGINT_MAX, check_minor, major_to_minor, minor_to_major


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("9900.5"), "USD", 990050),
        (Decimal("0.01"), "USD", 1),
        (100, "USD", 10000),
        (Decimal("1.000"), "USD", 100),
        (500, "JPY", 500),
        (Decimal("1.234"), "KWD", 1234),
    ],
)
def test_major_amounts_convert_exactly(amount: Decimal | int, currency: str, minor: int) -> None:
    assert major_to_minor(amount, currency, field="amount") == minor


@pytest.mark.parametrize(
    ("amount", "currency", "reason"),
    [
        (0, "USD", "greater than zero"),
        (Decimal("-1"), "USD", "greater than zero"),
        (Decimal("1.001"), "USD", "more than 2 decimal places"),
        (Decimal("0.5"), "JPY", "more than 0 decimal places"),
        (Decimal("NaN"), "USD", "finite"),
        (Decimal("Infinity"), "USD", "finite"),
        ("abc", "USD", "must be a number"),
        ("10", "USD", "must be a number"),
        (True, "USD", "must be a number"),
        (None, "USD", "must be a number"),
        (10.5, "USD", "must be a number"),
        (Decimal("1e400"), "USD", "too large"),
        (BIGINT_MAX, "USD", "too large"),
    ],
)
def test_bad_major_amounts_are_refused_naming_the_field(
    amount: object, currency: str, reason: str
) -> None:
    with pytest.raises(InvalidArgument, match=reason) as caught:
        major_to_minor(amount, currency, field="amount")
    assert caught.value.violations[0].field == "amount"


def test_unknown_currencies_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="ISO 4217"):
        major_to_minor(1, "XYZ", field="amount")


@pytest.mark.parametrize("amount", [0, -5, True, 1.5, "7", BIGINT_MAX + 1])
def test_minor_amounts_must_be_positive_bigint_integers(amount: object) -> None:
    with pytest.raises(InvalidArgument):
        check_minor(amount, field="amount_minor")


def test_minor_to_major_is_exact() -> None:
    assert minor_to_major(990050, "USD") == Decimal("9900.50")
    assert minor_to_major(7, "JPY") == Decimal(7)
    assert minor_to_major(BIGINT_MAX, "USD") == Decimal("92233720368547758.07")
