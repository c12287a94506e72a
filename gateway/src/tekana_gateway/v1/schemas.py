"""Request bodies of /v1. Unknown fields are refused, so typos never pass silently."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from tekana_gateway.legacy.schemas import Email, Password


class V1Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CreateCustomer(V1Model):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "email": "ann@example.com",
                    "password": "correct horse",
                    "full_name": "Ann Uwase",
                    "national_id": "1199880012345678",
                    "gender": "F",
                }
            ]
        },
    )

    email: Email
    password: Password
    full_name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    national_id: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    gender: Literal["M", "F"]


class TokenRequest(V1Model):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"email": "ann@example.com", "password": "correct horse"}]},
    )

    email: Email
    password: Password


class ChangePassword(V1Model):
    current_password: Password
    new_password: Password


class RefreshRequest(V1Model):
    refresh_token: Annotated[StrictStr, Field(min_length=1, max_length=256)]


Currency = Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")]
AccountNumber = Annotated[StrictStr, Field(min_length=1, max_length=32)]


class MoneyBody(V1Model):
    amount_minor: Annotated[StrictInt, Field(gt=0, le=2**63 - 1)]
    currency: Currency


class CreateWallet(V1Model):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"type": "saving", "currency": "USD"}]},
    )

    type: Literal["saving", "personal", "loan"] = "personal"
    currency: Currency | None = None


class CreateDeposit(V1Model):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"amount": {"amount_minor": 10050, "currency": "USD"}}]},
    )

    amount: MoneyBody


class CreateTransfer(V1Model):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "from_account": "2123456789012347",
                    "to_account": "2765432109876543",
                    "amount": {"amount_minor": 2500, "currency": "USD"},
                }
            ]
        },
    )

    from_account: AccountNumber
    to_account: AccountNumber
    amount: MoneyBody
