"""Rules on customer fields."""

import pytest

from tekana_common.errors import InvalidArgument
from tekana_customer.domain import check_password, check_text, normalize_email


def test_email_is_trimmed_and_case_folded() -> None:
    assert normalize_email("  Ann@EXAMPLE.Com ") == "ann@example.com"


@pytest.mark.parametrize("raw", ["", "no-at-sign", "a@", "@b.com", "a b@c.com", "x@" + "d" * 260])
def test_invalid_emails_are_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        normalize_email(raw)
    assert caught.value.violations[0].field == "email"


def test_password_needs_eight_characters() -> None:
    check_password("12345678")
    with pytest.raises(InvalidArgument, match="password: must be at least 8"):
        check_password("1234567")


def test_password_length_is_bounded() -> None:
    with pytest.raises(InvalidArgument, match="at most 128"):
        check_password("x" * 129)


def test_text_fields_are_trimmed_and_must_not_be_blank() -> None:
    assert check_text("full_name", "  Ann  ", max_length=10) == "Ann"
    with pytest.raises(InvalidArgument, match="full_name: must not be empty"):
        check_text("full_name", "   ", max_length=10)
    with pytest.raises(InvalidArgument, match="at most 3"):
        check_text("full_name", "Anna", max_length=3)


def test_text_fields_refuse_control_characters() -> None:
    with pytest.raises(InvalidArgument, match="control characters"):
        check_text("full_name", "Ann\x00", max_length=10)
