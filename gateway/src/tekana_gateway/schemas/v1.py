"""The /v1 bodies: requests (pydantic models; unknown fields are refused, so typos never pass
silently) and responses (typed dictionaries, as on the legacy surface), errors included
(RFC 9457 problem details)."""

from typing import Annotated, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
from typing_extensions import TypedDict

from tekana_gateway.schemas.legacy import Email, Password


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


# ---- responses
class FieldError(TypedDict):
    field: str
    message: str


class Problem(TypedDict):
    """RFC 9457 problem details, with Tekana's stable ``code``."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: NotRequired[list[FieldError]]
    request_id: NotRequired[str]


class CustomerV1(TypedDict):
    id: int
    email: str
    full_name: str
    national_id: str
    gender: str | None  # null on customers imported without one
    roles: list[str]
    created_at: str | None
    disabled: bool


class CustomerPageV1(TypedDict):
    data: list[CustomerV1]
    has_more: bool
    next_after: str | None


class AccessTokenV1(TypedDict):
    access_token: str
    token_type: str
    expires_in: int
    # Opaque, for POST /v1/auth/refresh; used once, each use returns a new one.
    refresh_token: str
    refresh_expires_in: int


class MoneyV1(TypedDict):
    amount_minor: int
    currency: str


class WalletV1(TypedDict):
    id: int
    account_number: str
    owner_id: int
    type: str
    status: str
    balance: MoneyV1
    created_at: str | None


class WalletListV1(TypedDict):
    data: list[WalletV1]


class EntryV1(TypedDict):
    id: int
    # Null on rows imported from the old system's activity log (``imported``).
    transfer_id: str | None
    direction: str
    amount: MoneyV1
    balance_after: MoneyV1 | None
    counterparty_account: str | None
    created_at: str | None
    imported: bool
    # The integer id the legacy surface shows for this entry.
    legacy_transaction_id: int | None


class EntryPageV1(TypedDict):
    data: list[EntryV1]
    has_more: bool
    next_after: str | None


class TransactionV1(TypedDict):
    id: str
    kind: str
    from_account: str
    to_account: str
    amount: MoneyV1
    status: str
    failure_code: str | None
    # Null on transactions imported from the old system, which did not record it.
    initiator_id: int | None
    created_at: str | None
    completed_at: str | None
    # The integer id the legacy surface answers for it.
    legacy_id: int | None
    imported: bool


class TransactionPageV1(TypedDict):
    data: list[TransactionV1]
    has_more: bool
    next_after: str | None
