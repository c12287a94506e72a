"""Request bodies of the legacy surface. Unknown fields are ignored, as the old gateway did."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt, StrictStr, WithJsonSchema

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
    gender: Literal["M", "F"]


class LoginBody(LegacyModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "ann@example.com", "password": "correct horse"}]}
    )

    email: Email
    password: Password


AccountNumber = Annotated[StrictStr, Field(min_length=1, max_length=32)]
# JSON numbers arrive as int or Decimal (never float); their exactness is checked on conversion.
MajorAmount = Annotated[
    StrictInt | Annotated[Decimal, Strict()],
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "examples": [9900.5]}),
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
