"""Wallet rules: account numbers and wallet types (refusals: tests/integration)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tekana_common.errors import InvalidArgument
from tekana_wallet.domain import (
    TransferRequest,
    Wallet,
    WalletStatus,
    WalletType,
    check_wallet_type,
    is_valid_account_number,
    luhn_check_digit,
    new_account_number,
)

SENDER = Wallet(
    1,
    "2000000000000018",
    7,
    WalletType.PERSONAL,
    "USD",
    WalletStatus.ACTIVE,
    100,
    datetime.now(UTC),
)
RECEIVER = replace(SENDER, id=2, account_number="2000000000000026", balance=0)
REQUEST = TransferRequest("t", SENDER.account_number, RECEIVER.account_number, 100, "USD")


def test_new_account_numbers_are_random_16_digits_with_a_check_digit() -> None:
    numbers = {new_account_number() for _ in range(1_000)}
    assert len(numbers) == 1_000
    assert all(is_valid_account_number(n) for n in numbers)


def test_luhn_catches_a_mistyped_digit() -> None:
    number = new_account_number()
    wrong_digit = str((int(number[5]) + 1) % 10)
    assert not is_valid_account_number(number[:5] + wrong_digit + number[6:])
    assert luhn_check_digit("7992739871") == "3"


@pytest.mark.parametrize(
    ("candidate", "valid"),
    [
        ("200-1-1617712345678", True),  # the old system's numbers keep working
        ("200-1048576-1700000000000", True),
        ("200--1617712345678", False),
        ("201-1-1617712345678", False),
        ("200-1-16177123456789012", False),
        ("200-1-1617712345678 ", False),
        ("200-١-1617712345678", False),  # an Arabic-Indic digit is not a digit here
    ],
)
def test_legacy_account_numbers(candidate: str, valid: bool) -> None:
    assert is_valid_account_number(candidate) is valid


def test_customers_cannot_create_system_wallets() -> None:
    for system in ("funding", "migration", "receivable"):
        with pytest.raises(InvalidArgument, match="type"):
            check_wallet_type(system)


def test_customers_cannot_create_funding_wallets() -> None:
    assert check_wallet_type("saving") == WalletType.SAVING
    with pytest.raises(InvalidArgument, match="type"):
        check_wallet_type("funding")
