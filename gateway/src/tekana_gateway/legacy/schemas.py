"""Request bodies of the legacy surface. Unknown fields are ignored, as the old gateway did."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt, StrictStr

Email = Annotated[StrictStr, Field(min_length=3, max_length=254)]
Password = Annotated[StrictStr, Field(min_length=1, max_length=128)]


class LegacyModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RegisterBody(LegacyModel):
    email: Email
    password: Password
    fullName: Annotated[StrictStr, Field(min_length=1, max_length=100)]  # noqa: N815
    nationalId: Annotated[StrictStr, Field(min_length=1, max_length=32)]  # noqa: N815
    gender: Literal["M", "F"]


class LoginBody(LegacyModel):
    email: Email
    password: Password


AccountNumber = Annotated[StrictStr, Field(min_length=1, max_length=32)]
# JSON numbers arrive as int or Decimal (never float); their exactness is checked on conversion.
MajorAmount = StrictInt | Annotated[Decimal, Strict()]


class CreateWalletBody(LegacyModel):
    walletType: Literal["saving", "personal", "loan"] = "personal"  # noqa: N815


class DepositBody(LegacyModel):
    accNumber: AccountNumber  # noqa: N815
    amount: MajorAmount
    transactionId: Annotated[StrictStr, Field(min_length=1, max_length=128)] | StrictInt  # noqa: N815


class TransferBody(LegacyModel):
    senderAcc: AccountNumber  # noqa: N815
    receiverAcc: AccountNumber  # noqa: N815
    amount: MajorAmount
