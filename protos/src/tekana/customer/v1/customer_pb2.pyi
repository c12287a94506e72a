from tekana.common.v1 import caller_pb2 as _caller_pb2
from tekana.common.v1 import page_pb2 as _page_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Surface(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SURFACE_UNSPECIFIED: _ClassVar[Surface]
    SURFACE_V1: _ClassVar[Surface]
    SURFACE_LEGACY: _ClassVar[Surface]

class Gender(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GENDER_UNSPECIFIED: _ClassVar[Gender]
    GENDER_MALE: _ClassVar[Gender]
    GENDER_FEMALE: _ClassVar[Gender]

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_CUSTOMER: _ClassVar[Role]
    ROLE_ADMIN: _ClassVar[Role]
SURFACE_UNSPECIFIED: Surface
SURFACE_V1: Surface
SURFACE_LEGACY: Surface
GENDER_UNSPECIFIED: Gender
GENDER_MALE: Gender
GENDER_FEMALE: Gender
ROLE_UNSPECIFIED: Role
ROLE_CUSTOMER: Role
ROLE_ADMIN: Role

class Customer(_message.Message):
    __slots__ = ("id", "email", "full_name", "national_id", "gender", "roles", "created_at_us", "disabled")
    ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_US_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    id: int
    email: str
    full_name: str
    national_id: str
    gender: Gender
    roles: _containers.RepeatedScalarFieldContainer[Role]
    created_at_us: int
    disabled: bool
    def __init__(self, id: _Optional[int] = ..., email: _Optional[str] = ..., full_name: _Optional[str] = ..., national_id: _Optional[str] = ..., gender: _Optional[_Union[Gender, str]] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ..., created_at_us: _Optional[int] = ..., disabled: _Optional[bool] = ...) -> None: ...

class RegisterRequest(_message.Message):
    __slots__ = ("email", "password", "full_name", "national_id", "gender")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    full_name: str
    national_id: str
    gender: Gender
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ..., full_name: _Optional[str] = ..., national_id: _Optional[str] = ..., gender: _Optional[_Union[Gender, str]] = ...) -> None: ...

class AuthenticateRequest(_message.Message):
    __slots__ = ("email", "password", "surface")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    SURFACE_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    surface: Surface
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ..., surface: _Optional[_Union[Surface, str]] = ...) -> None: ...

class AccessToken(_message.Message):
    __slots__ = ("token", "expires_in", "refresh_token", "refresh_expires_in")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    def __init__(self, token: _Optional[str] = ..., expires_in: _Optional[int] = ..., refresh_token: _Optional[str] = ..., refresh_expires_in: _Optional[int] = ...) -> None: ...

class RefreshSessionRequest(_message.Message):
    __slots__ = ("refresh_token",)
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    def __init__(self, refresh_token: _Optional[str] = ...) -> None: ...

class EndSessionRequest(_message.Message):
    __slots__ = ("caller", "session_id")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    session_id: str
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., session_id: _Optional[str] = ...) -> None: ...

class EndSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ChangePasswordRequest(_message.Message):
    __slots__ = ("caller", "current_password", "new_password")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    current_password: str
    new_password: str
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., current_password: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class ChangePasswordResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetCustomerDisabledRequest(_message.Message):
    __slots__ = ("caller", "id", "disabled")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    id: int
    disabled: bool
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., id: _Optional[int] = ..., disabled: _Optional[bool] = ...) -> None: ...

class GetCustomerRequest(_message.Message):
    __slots__ = ("caller", "id")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    id: int
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., id: _Optional[int] = ...) -> None: ...

class ListCustomersRequest(_message.Message):
    __slots__ = ("caller", "page")
    CALLER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    caller: _caller_pb2.Caller
    page: _page_pb2.PageRequest
    def __init__(self, caller: _Optional[_Union[_caller_pb2.Caller, _Mapping]] = ..., page: _Optional[_Union[_page_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListCustomersResponse(_message.Message):
    __slots__ = ("customers", "page")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[Customer]
    page: _page_pb2.PageInfo
    def __init__(self, customers: _Optional[_Iterable[_Union[Customer, _Mapping]]] = ..., page: _Optional[_Union[_page_pb2.PageInfo, _Mapping]] = ...) -> None: ...
