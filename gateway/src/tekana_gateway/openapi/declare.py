"""What each route promises, attached to its handler and read back to build the OpenAPI
document: the route table is the one list of operations, so none can go undocumented. A
route declared with ``auth`` (the default) is served only to a verified caller: the
declaration enforces it, not each handler."""

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from tekana_common.context import Caller
from tekana_gateway.errors import unauthorized
from tekana_gateway.keys import AUTH_ERROR, CALLER

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

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
        served = _for_callers_only(handler) if doc.auth else handler
        setattr(served, DOC_ATTRIBUTE, doc)
        return served

    return attach


def _for_callers_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def authenticated(request: web.Request) -> web.StreamResponse:
        # 401 before anything else about the request is looked at.
        if AUTH_ERROR in request:
            raise request[AUTH_ERROR]
        if CALLER not in request:
            raise unauthorized("missing_token")
        return await handler(request)

    return authenticated


def caller(request: web.Request) -> Caller:
    """The verified caller of a route declared with ``auth``."""
    return request[CALLER]


def doc_of(handler: object) -> Doc | None:
    found = getattr(handler, DOC_ATTRIBUTE, None)
    return found if isinstance(found, Doc) else None
