"""The shape of every response body, as typed dictionaries.

Presenters and routes build these (mypy holds them to it), and the OpenAPI document is
generated from the same types, so the documentation cannot drift from what is sent.
"""

from decimal import Decimal
from typing import Annotated, NotRequired

from pydantic import WithJsonSchema
from typing_extensions import TypedDict

# Major units, exact: written from Decimal as a plain JSON number.
MajorAmount = Annotated[Decimal | int, WithJsonSchema({"type": "number"})]


# ---- both surfaces ---------------------------------------------------------------------
class Health(TypedDict):
    status: str


class Readiness(TypedDict):
    status: str
    upstreams: dict[str, str]
    rate_limiter: str
    revocations: str


# ---- /v1 -------------------------------------------------------------------------------
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
    gender: str
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
    transfer_id: str
    direction: str
    amount: MoneyV1
    balance_after: MoneyV1
    counterparty_account: str
    created_at: str | None


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
    initiator_id: int
    created_at: str | None
    completed_at: str | None


class TransactionPageV1(TypedDict):
    data: list[TransactionV1]
    has_more: bool
    next_after: str | None


# ---- legacy ----------------------------------------------------------------------------
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
    gender: str


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
    transactionId: str
    action: str
    amount: MajorAmount


class WalletLegacy(TypedDict):
    id: int
    accNumber: str
    customerId: int
    walletType: str
    balance: MajorAmount
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
    id: str
    senderAcc: str
    receiverAcc: str
    amount: MajorAmount
    currency: str
    status: str
    createdAt: str | None


class LegacyTransactions(TypedDict):
    status: int
    data: list[TransactionLegacy]
