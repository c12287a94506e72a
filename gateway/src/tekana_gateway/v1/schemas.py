"""Request bodies of /v1. Unknown fields are refused, so typos never pass silently."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from tekana_gateway.legacy.schemas import Email, Password


class V1Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CreateCustomer(V1Model):
    email: Email
    password: Password
    full_name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    national_id: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    gender: Literal["M", "F"]


class TokenRequest(V1Model):
    email: Email
    password: Password


Currency = Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")]
AccountNumber = Annotated[StrictStr, Field(min_length=1, max_length=32)]


class MoneyBody(V1Model):
    amount_minor: StrictInt
    currency: Currency


class CreateWallet(V1Model):
    type: Literal["saving", "personal", "loan"] = "personal"
    currency: Currency | None = None


class CreateDeposit(V1Model):
    amount: MoneyBody


class CreateTransfer(V1Model):
    from_account: AccountNumber
    to_account: AccountNumber
    amount: MoneyBody
