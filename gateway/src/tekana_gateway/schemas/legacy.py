"""The legacy surface's bodies: requests (pydantic models; unknown fields are ignored, as the
old gateway did) and responses (typed dictionaries the presenters build, mypy holds them to
it, and the OpenAPI document is generated from them, so it cannot drift from what is sent)."""

import re
from decimal import Decimal
from typing import Annotated, Literal, NotRequired

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from typing_extensions import TypedDict

Email = Annotated[StrictStr, Field(min_length=3, max_length=254)]
Password = Annotated[StrictStr, Field(min_length=1, max_length=128)]


class LegacyModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RegisterBody(LegacyModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "ann@example.com",
                    "password": "correct horse",
                    "fullName": "Ann Uwase",
                    "nationalId": "1199880012345678",
                    "gender": "F",
                }
            ]
        }
    )

    email: Email
    password: Password
    fullName: Annotated[StrictStr, Field(min_length=1, max_length=100)]  # noqa: N815
    nationalId: Annotated[StrictStr, Field(min_length=1, max_length=32)]  # noqa: N815
    # The old system stored M when none was sent.
    gender: Literal["M", "F"] = "M"


class LoginBody(LegacyModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "ann@example.com", "password": "correct horse"}]}
    )

    email: Email
    password: Password


AccountNumber = Annotated[StrictStr, Field(min_length=1, max_length=32)]
# A plain decimal, as the old system took in a string ("100", "100.50"): no exponent, no
# NaN or infinity, no spaces or signs but a leading minus (refused later as not positive).
_DECIMAL_STRING = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,20})?")


def _major_amount(value: object) -> int | Decimal:
    """JSON numbers arrive as int or Decimal (never float), strings as the old system took
    them; exactness, sign and range are checked on conversion (money.major_to_minor)."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, str) and _DECIMAL_STRING.fullmatch(value):
        return Decimal(value)
    raise ValueError("must be a number, or a plain decimal in a string")


MajorAmount = Annotated[
    int | Decimal,
    PlainValidator(_major_amount),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
            ],
            "examples": [9900.5, "100.50"],
        }
    ),
]


class CreateWalletBody(LegacyModel):
    walletType: Literal["saving", "personal", "loan"] = "personal"  # noqa: N815


class DepositBody(LegacyModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"accNumber": "2123456789012347", "amount": 100.5, "transactionId": "dep-2026-0001"}
            ]
        }
    )

    accNumber: AccountNumber  # noqa: N815
    amount: MajorAmount
    transactionId: Annotated[StrictStr, Field(min_length=1, max_length=128)] | StrictInt  # noqa: N815


class TransferBody(LegacyModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"senderAcc": "2123456789012347", "receiverAcc": "2765432109876543", "amount": 25}
            ]
        }
    )

    senderAcc: AccountNumber  # noqa: N815
    receiverAcc: AccountNumber  # noqa: N815
    amount: MajorAmount


# ---- responses
# Major units, exact: written from Decimal as a plain JSON number.
ShownAmount = Annotated[Decimal | int, WithJsonSchema({"type": "number"})]


class LegacyError(TypedDict):
    """A refused request: the outcome in ``status``, the reasons in ``error``."""

    status: int
    error: list[str]


class LegacyUnauthorized(TypedDict):
    statusCode: int
    message: str


class LegacyStatus(TypedDict):
    status: int


class LegacyToken(TypedDict):
    status: int
    token: str


class CustomerLegacy(TypedDict):
    id: int
    email: str
    fullName: str
    nationalId: str
    gender: str | None  # null on customers imported without one


class LegacyCustomer(TypedDict):
    status: int
    data: CustomerLegacy


class LegacyCustomers(TypedDict):
    status: int
    data: list[CustomerLegacy]


class LegacyWalletId(TypedDict):
    status: int
    id: int


class ActivityLog(TypedDict):
    # The movement's integer id (a deposit's: the client's); a UUID on entries from before.
    transactionId: int | str
    action: str
    amount: ShownAmount
    # Only on rows copied from the old system (docs/cutover.md).
    imported: NotRequired[bool]


class WalletLegacy(TypedDict):
    id: int
    accNumber: str
    customerId: int
    walletType: str
    balance: ShownAmount
    currency: str
    createdAt: str | None
    walletActivityLogs: NotRequired[list[ActivityLog]]


class LegacyWallet(TypedDict):
    status: int
    data: WalletLegacy


class LegacyWallets(TypedDict):
    status: int
    data: list[WalletLegacy]


class LegacyTransactionId(TypedDict):
    status: int
    id: str


class TransactionLegacy(TypedDict):
    id: int
    senderAcc: str
    receiverAcc: str
    amount: ShownAmount
    currency: str
    status: str
    createdAt: str | None
    # Only on transactions copied from the old system (docs/cutover.md).
    imported: NotRequired[bool]


class LegacyTransactions(TypedDict):
    status: int
    data: list[TransactionLegacy]
