from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Caller(_message.Message):
    __slots__ = ("customer_id", "admin")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ADMIN_FIELD_NUMBER: _ClassVar[int]
    customer_id: int
    admin: bool
    def __init__(self, customer_id: _Optional[int] = ..., admin: _Optional[bool] = ...) -> None: ...
