"""Wallet rules: account numbers, and when the ledger refuses a transfer."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tekana_common.errors import InvalidArgument
from tekana_wallet.domain import (
    Refusal,
    TransferRequest,
    Wallet,
    WalletStatus,
    WalletType,
    check_wallet_type,
    is_valid_account_number,
    luhn_check_digit,
    new_account_number,
    refusal,
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


def test_a_transfer_of_exactly_the_balance_is_allowed() -> None:
    assert refusal(REQUEST, SENDER, RECEIVER) is None


@pytest.mark.parametrize(
    ("request_", "sender", "receiver", "expected"),
    [
        (replace(REQUEST, amount=101), SENDER, RECEIVER, Refusal.INSUFFICIENT_FUNDS),
        (REQUEST, None, RECEIVER, Refusal.SENDER_NOT_FOUND),
        (REQUEST, SENDER, None, Refusal.RECEIVER_NOT_FOUND),
        (replace(REQUEST, currency="EUR"), SENDER, RECEIVER, Refusal.CURRENCY_MISMATCH),
        (REQUEST, SENDER, replace(RECEIVER, currency="EUR"), Refusal.CURRENCY_MISMATCH),
        (REQUEST, SENDER, replace(RECEIVER, status=WalletStatus.FROZEN), Refusal.WALLET_INACTIVE),
        (replace(REQUEST, to_account=SENDER.account_number), SENDER, SENDER, Refusal.SAME_WALLET),
    ],
)
def test_the_ledger_refuses(
    request_: TransferRequest, sender: Wallet | None, receiver: Wallet | None, expected: Refusal
) -> None:
    assert refusal(request_, sender, receiver) == expected


def test_only_the_funding_wallet_may_go_below_zero() -> None:
    funding = replace(SENDER, type=WalletType.FUNDING, owner_id=None, balance=-5_000)
    assert refusal(REQUEST, funding, RECEIVER) is None


def test_customers_cannot_create_funding_wallets() -> None:
    assert check_wallet_type("saving") == WalletType.SAVING
    with pytest.raises(InvalidArgument, match="type"):
        check_wallet_type("funding")


def test_a_transfer_that_would_overflow_a_balance_is_refused() -> None:
    rich = replace(RECEIVER, balance=2**63 - 50)
    assert refusal(REQUEST, SENDER, rich) == Refusal.BALANCE_LIMIT
