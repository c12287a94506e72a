from tekana.common.v1 import caller_pb2 as _caller_pb2
from tekana.common.v1 import error_pb2 as _error_pb2
from tekana.common.v1 import money_pb2 as _money_pb2
from tekana.common.v1 import page_pb2 as _page_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WalletType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WALLET_TYPE_UNSPECIFIED: _ClassVar[WalletType]
    WALLET_TYPE_SAVING: _ClassVar[WalletType]
    WALLET_TYPE_PERSONAL: _ClassVar[WalletType]
    WALLET_TYPE_LOAN: _ClassVar[WalletType]
    WALLET_TYPE_FUNDING: _ClassVar[WalletType]
    WALLET_TYPE_MIGRATION: _ClassVar[WalletType]
    WALLET_TYPE_RECEIVABLE: _ClassVar[WalletType]

class WalletStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WALLET_STATUS_UNSPECIFIED: _ClassVar[WalletStatus]
    WALLET_STATUS_ACTIVE: _ClassVar[WalletStatus]
    WALLET_STATUS_FROZEN: _ClassVar[WalletStatus]

class EntryDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTRY_DIRECTION_UNSPECIFIED: _ClassVar[EntryDirection]
    ENTRY_DIRECTION_DEBIT: _ClassVar[EntryDirection]
    ENTRY_DIRECTION_CREDIT: _ClassVar[EntryDirection]

class TransferStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSFER_STATUS_UNSPECIFIED: _ClassVar[TransferStatus]
    TRANSFER_STATUS_COMPLETED: _ClassVar[TransferStatus]
    TRANSFER_STATUS_FAILED: _ClassVar[TransferStatus]
WALLET_TYPE_UNSPECIFIED: WalletType
WALLET_TYPE_SAVING: WalletType
WALLET_TYPE_PERSONAL: WalletType
WALLET_TYPE_LOAN: WalletType
WALLET_TYPE_FUNDING: WalletType
WALLET_TYPE_MIGRATION: WalletType
WALLET_TYPE_RECEIVABLE: WalletType
WALLET_STATUS_UNSPECIFIED: WalletStatus
WALLET_STATUS_ACTIVE: WalletStatus
WALLET_STATUS_FROZEN: WalletStatus
ENTRY_DIRECTION_UNSPECIFIED: EntryDirection
ENTRY_DIRECTION_DEBIT: EntryDirection
ENTRY_DIRECTION_CREDIT: EntryDirection
TRANSFER_STATUS_UNSPECIFIED: TransferStatus
TRANSFER_STATUS_COMPLETED: TransferStatus
TRANSFER_STATUS_FAILED: TransferStatus

class Wallet(_message.Message):
    __slots__ = ("id", "account_number", "owner_id", "type", "status", "balance", "created_at_us")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_US_FIELD_NUMBER: _ClassVar[int]
    id: int
    account_number: str
    owner_id: int
    type: WalletType
    status: WalletStatus
    balance: _money_pb2.Money
    created_at_us: int
    def __init__(self, id: _Optional[int] = ..., account_number: _Optional[str] = ..., owner_id: _Optional[int] = ..., type: _Optional[_Union[WalletType, str]] = ..., status: _Optional[_Union[WalletStatus, str]] = ..., balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., created_at_us: _Optional[int] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("account_number", "owner_id", "currency", "type", "status")
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    account_number: str
    owner_id: int
    currency: str
    type: WalletType
    status: WalletStatus
    def __init__(self, account_number: _Optional[str] = ..., owner_id: _Optional[int] = ..., currency: _Optional[str] = ..., type: _Optional[_Union[WalletType, str]] = ..., status: _Optional[_Union[WalletStatus, str]] = ...) -> None: ...

class CreateWalletRequest(_message.Message):
    __slots__ = ("caller", "type", "currency", "idempotency_key")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    type: WalletType
    currency: str
    idempotency_key: str
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., type: _Optional[_Union[WalletType, str]] = ..., currency: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class GetWalletRequest(_message.Message):
    __slots__ = ("caller", "account_number")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    account_number: str
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., account_number: _Optional[str] = ...) -> None: ...

class ListWalletsRequest(_message.Message):
    __slots__ = ("caller", "owner_id")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    owner_id: int
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., owner_id: _Optional[int] = ...) -> None: ...

class ListWalletsResponse(_message.Message):
    __slots__ = ("wallets",)
    WALLETS_FIELD_NUMBER: _ClassVar[int]
    wallets: _containers.RepeatedCompositeFieldContainer[Wallet]
    def __init__(self, wallets: _Optional[_Iterable[_Union[Wallet, _Mapping]]] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("id", "transfer_id", "account_number", "direction", "amount", "balance_after", "counterparty_account", "created_at_us", "imported", "reference")
    ID_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_US_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    id: int
    transfer_id: str
    account_number: str
    direction: EntryDirection
    amount: _money_pb2.Money
    balance_after: _money_pb2.Money
    counterparty_account: str
    created_at_us: int
    imported: bool
    reference: int
    def __init__(self, id: _Optional[int] = ..., transfer_id: _Optional[str] = ..., account_number: _Optional[str] = ..., direction: _Optional[_Union[EntryDirection, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., balance_after: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., counterparty_account: _Optional[str] = ..., created_at_us: _Optional[int] = ..., imported: _Optional[bool] = ..., reference: _Optional[int] = ...) -> None: ...

class ListEntriesRequest(_message.Message):
    __slots__ = ("caller", "account_number", "page")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    account_number: str
    page: _page_pb2.PageRequest
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., account_number: _Optional[str] = ..., page: _Optional[_Union[_page_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListEntriesResponse(_message.Message):
    __slots__ = ("entries", "page")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    page: _page_pb2.PageInfo
    def __init__(self, entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., page: _Optional[_Union[_page_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class WalletActivityQuery(_message.Message):
    __slots__ = ("account_number", "limit", "caller")
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    account_number: str
    limit: int
    caller: _caller_pb2.Caller
    def __init__(self, account_number: _Optional[str] = ..., limit: _Optional[int] = ..., caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ...) -> None: ...

class GetWalletActivitiesRequest(_message.Message):
    __slots__ = ("queries",)
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    queries: _containers.RepeatedCompositeFieldContainer[WalletActivityQuery]
    def __init__(self, queries: _Optional[_Iterable[_Union[WalletActivityQuery, _Mapping]]] = ...) -> None: ...

class GetWalletActivitiesResponse(_message.Message):
    __slots__ = ("answers",)
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[WalletActivityAnswer]
    def __init__(self, answers: _Optional[_Iterable[_Union[WalletActivityAnswer, _Mapping]]] = ...) -> None: ...

class WalletActivityAnswer(_message.Message):
    __slots__ = ("activity", "status", "error")
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    activity: WalletActivity
    status: int
    error: _error_pb2.ErrorDetail
    def __init__(self, activity: _Optional[_Union[WalletActivity, _Mapping]] = ..., status: _Optional[int] = ..., error: _Optional[_Union[_error_pb2.ErrorDetail, _Mapping]] = ...) -> None: ...

class WalletActivity(_message.Message):
    __slots__ = ("wallet", "transfer_ids", "directions", "amounts_minor", "references", "imported")
    WALLET_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    DIRECTIONS_FIELD_NUMBER: _ClassVar[int]
    AMOUNTS_MINOR_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    wallet: Wallet
    transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    directions: _containers.RepeatedScalarFieldContainer[EntryDirection]
    amounts_minor: _containers.RepeatedScalarFieldContainer[int]
    references: _containers.RepeatedScalarFieldContainer[int]
    imported: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, wallet: _Optional[_Union[Wallet, _Mapping]] = ..., transfer_ids: _Optional[_Iterable[str]] = ..., directions: _Optional[_Iterable[_Union[EntryDirection, str]]] = ..., amounts_minor: _Optional[_Iterable[int]] = ..., references: _Optional[_Iterable[int]] = ..., imported: _Optional[_Iterable[bool]] = ...) -> None: ...

class ResolveAccountsRequest(_message.Message):
    __slots__ = ("account_numbers",)
    ACCOUNT_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    account_numbers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, account_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class ResolveAccountsResponse(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ...) -> None: ...

class GetFundingAccountRequest(_message.Message):
    __slots__ = ("currency",)
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    currency: str
    def __init__(self, currency: _Optional[str] = ...) -> None: ...

class ApplyTransferRequest(_message.Message):
    __slots__ = ("transfer_id", "from_account", "to_account", "amount", "reference")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    TO_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    from_account: str
    to_account: str
    amount: _money_pb2.Money
    reference: int
    def __init__(self, transfer_id: _Optional[str] = ..., from_account: _Optional[str] = ..., to_account: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reference: _Optional[int] = ...) -> None: ...

class ApplyTransfersRequest(_message.Message):
    __slots__ = ("transfers",)
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[ApplyTransferRequest]
    def __init__(self, transfers: _Optional[_Iterable[_Union[ApplyTransferRequest, _Mapping]]] = ...) -> None: ...

class ApplyTransfersResponse(_message.Message):
    __slots__ = ("outcomes",)
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[TransferOutcome]
    def __init__(self, outcomes: _Optional[_Iterable[_Union[TransferOutcome, _Mapping]]] = ...) -> None: ...

class TransferOutcome(_message.Message):
    __slots__ = ("transfer_id", "status", "failure_code")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_CODE_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    status: TransferStatus
    failure_code: str
    def __init__(self, transfer_id: _Optional[str] = ..., status: _Optional[_Union[TransferStatus, str]] = ..., failure_code: _Optional[str] = ...) -> None: ...
