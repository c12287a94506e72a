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

class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KIND_UNSPECIFIED: _ClassVar[Kind]
    KIND_TRANSFER: _ClassVar[Kind]
    KIND_DEPOSIT: _ClassVar[Kind]
    KIND_OPENING: _ClassVar[Kind]

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_PENDING: _ClassVar[Status]
    STATUS_COMPLETED: _ClassVar[Status]
    STATUS_FAILED: _ClassVar[Status]
KIND_UNSPECIFIED: Kind
KIND_TRANSFER: Kind
KIND_DEPOSIT: Kind
KIND_OPENING: Kind
STATUS_UNSPECIFIED: Status
STATUS_PENDING: Status
STATUS_COMPLETED: Status
STATUS_FAILED: Status

class Transaction(_message.Message):
    __slots__ = ("id", "kind", "sender_account", "receiver_account", "amount", "status", "failure_code", "initiator_id", "created_at_us", "completed_at_us", "legacy_id", "client_reference", "imported")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SENDER_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVER_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_CODE_FIELD_NUMBER: _ClassVar[int]
    INITIATOR_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_US_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_US_FIELD_NUMBER: _ClassVar[int]
    LEGACY_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: Kind
    sender_account: str
    receiver_account: str
    amount: _money_pb2.Money
    status: Status
    failure_code: str
    initiator_id: int
    created_at_us: int
    completed_at_us: int
    legacy_id: int
    client_reference: int
    imported: bool
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[Kind, str]] = ..., sender_account: _Optional[str] = ..., receiver_account: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[Status, str]] = ..., failure_code: _Optional[str] = ..., initiator_id: _Optional[int] = ..., created_at_us: _Optional[int] = ..., completed_at_us: _Optional[int] = ..., legacy_id: _Optional[int] = ..., client_reference: _Optional[int] = ..., imported: _Optional[bool] = ...) -> None: ...

class TransactionResult(_message.Message):
    __slots__ = ("transaction", "replayed")
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    transaction: Transaction
    replayed: bool
    def __init__(self, transaction: _Optional[_Union[Transaction, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class CreateTransferRequest(_message.Message):
    __slots__ = ("sender_account", "receiver_account", "amount", "idempotency_key")
    SENDER_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVER_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    sender_account: str
    receiver_account: str
    amount: _money_pb2.Money
    idempotency_key: str
    def __init__(self, sender_account: _Optional[str] = ..., receiver_account: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateDepositRequest(_message.Message):
    __slots__ = ("account_number", "amount", "idempotency_key", "client_reference")
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    account_number: str
    amount: _money_pb2.Money
    idempotency_key: str
    client_reference: int
    def __init__(self, account_number: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., client_reference: _Optional[int] = ...) -> None: ...

class GetTransactionRequest(_message.Message):
    __slots__ = ("caller", "id")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    id: str
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., id: _Optional[str] = ...) -> None: ...

class ListTransactionsRequest(_message.Message):
    __slots__ = ("caller", "account_number", "page")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    account_number: str
    page: _page_pb2.PageRequest
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., account_number: _Optional[str] = ..., page: _Optional[_Union[_page_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListTransactionsResponse(_message.Message):
    __slots__ = ("transactions", "page")
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    transactions: _containers.RepeatedCompositeFieldContainer[Transaction]
    page: _page_pb2.PageInfo
    def __init__(self, transactions: _Optional[_Iterable[_Union[Transaction, _Mapping]]] = ..., page: _Optional[_Union[_page_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class RecentTransactionsQuery(_message.Message):
    __slots__ = ("account_number", "limit", "caller")
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    account_number: str
    limit: int
    caller: _caller_pb2.Caller
    def __init__(self, account_number: _Optional[str] = ..., limit: _Optional[int] = ..., caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ...) -> None: ...

class GetRecentTransactionsRequest(_message.Message):
    __slots__ = ("queries",)
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    queries: _containers.RepeatedCompositeFieldContainer[RecentTransactionsQuery]
    def __init__(self, queries: _Optional[_Iterable[_Union[RecentTransactionsQuery, _Mapping]]] = ...) -> None: ...

class GetRecentTransactionsResponse(_message.Message):
    __slots__ = ("answers",)
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[RecentTransactionsAnswer]
    def __init__(self, answers: _Optional[_Iterable[_Union[RecentTransactionsAnswer, _Mapping]]] = ...) -> None: ...

class RecentTransactionsAnswer(_message.Message):
    __slots__ = ("recent", "status", "error")
    RECENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    recent: RecentTransactions
    status: int
    error: _error_pb2.ErrorDetail
    def __init__(self, recent: _Optional[_Union[RecentTransactions, _Mapping]] = ..., status: _Optional[int] = ..., error: _Optional[_Union[_error_pb2.ErrorDetail, _Mapping]] = ...) -> None: ...

class RecentTransactions(_message.Message):
    __slots__ = ("ids", "sender_accounts", "receiver_accounts", "amounts_minor", "currencies", "statuses", "created_at_us", "legacy_ids", "imported")
    IDS_FIELD_NUMBER: _ClassVar[int]
    SENDER_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    RECEIVER_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    AMOUNTS_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_US_FIELD_NUMBER: _ClassVar[int]
    LEGACY_IDS_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    sender_accounts: _containers.RepeatedScalarFieldContainer[str]
    receiver_accounts: _containers.RepeatedScalarFieldContainer[str]
    amounts_minor: _containers.RepeatedScalarFieldContainer[int]
    currencies: _containers.RepeatedScalarFieldContainer[str]
    statuses: _containers.RepeatedScalarFieldContainer[Status]
    created_at_us: _containers.RepeatedScalarFieldContainer[int]
    legacy_ids: _containers.RepeatedScalarFieldContainer[int]
    imported: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., sender_accounts: _Optional[_Iterable[str]] = ..., receiver_accounts: _Optional[_Iterable[str]] = ..., amounts_minor: _Optional[_Iterable[int]] = ..., currencies: _Optional[_Iterable[str]] = ..., statuses: _Optional[_Iterable[_Union[Status, str]]] = ..., created_at_us: _Optional[_Iterable[int]] = ..., legacy_ids: _Optional[_Iterable[int]] = ..., imported: _Optional[_Iterable[bool]] = ...) -> None: ...

class Movement(_message.Message):
    __slots__ = ("transfer", "deposit", "caller", "request_id")
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    transfer: CreateTransferRequest
    deposit: CreateDepositRequest
    caller: _caller_pb2.Caller
    request_id: str
    def __init__(self, transfer: _Optional[_Union[CreateTransferRequest, _Mapping]] = ..., deposit: _Optional[_Union[CreateDepositRequest, _Mapping]] = ..., caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateMovementsRequest(_message.Message):
    __slots__ = ("movements",)
    MOVEMENTS_FIELD_NUMBER: _ClassVar[int]
    movements: _containers.RepeatedCompositeFieldContainer[Movement]
    def __init__(self, movements: _Optional[_Iterable[_Union[Movement, _Mapping]]] = ...) -> None: ...

class CreateMovementsResponse(_message.Message):
    __slots__ = ("answers",)
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[MovementAnswer]
    def __init__(self, answers: _Optional[_Iterable[_Union[MovementAnswer, _Mapping]]] = ...) -> None: ...

class MovementAnswer(_message.Message):
    __slots__ = ("result", "status", "error")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    result: TransactionResult
    status: int
    error: _error_pb2.ErrorDetail
    def __init__(self, result: _Optional[_Union[TransactionResult, _Mapping]] = ..., status: _Optional[int] = ..., error: _Optional[_Union[_error_pb2.ErrorDetail, _Mapping]] = ...) -> None: ...
