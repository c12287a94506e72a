"""What each route promises, attached to its handler and read back to build the OpenAPI
document: the route table is the one list of operations, so none can go undocumented."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

Handler = TypeVar("Handler", bound=Callable[..., Any])

DOC_ATTRIBUTE = "__tekana_doc__"

ACCOUNT_PARAM = {"type": "string", "minLength": 1, "maxLength": 32, "example": "2123456789012347"}
ID_PARAM = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
UUID_PARAM = {"type": "string", "format": "uuid", "maxLength": 36}


@dataclass(frozen=True)
class Reply:
    """One successful answer: its HTTP status, body type and what it means."""

    status: int
    body: Any
    description: str


@dataclass(frozen=True)
class Doc:
    summary: str
    replies: tuple[Reply, ...]
    request: type[BaseModel] | None = None
    auth: bool = True
    # Accepts an Idempotency-Key header that makes retries safe.
    idempotent: bool = False
    # Takes ``limit`` and ``after`` query parameters.
    paginated: bool = False
    rate_limited: bool = False
    # The body must be declared application/json (money-moving and registration): 415 else.
    json_only: bool = False
    # Schemas of the path parameters, by name.
    path: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str = ""


def documented(doc: Doc) -> Callable[[Handler], Handler]:
    def attach(handler: Handler) -> Handler:
        setattr(handler, DOC_ATTRIBUTE, doc)
        return handler

    return attach


def doc_of(handler: object) -> Doc | None:
    found = getattr(handler, DOC_ATTRIBUTE, None)
    return found if isinstance(found, Doc) else None
