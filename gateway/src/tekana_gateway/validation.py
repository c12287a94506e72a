"""Request shape checks: JSON bodies through pydantic models, path and query values by hand.

Every failure names the field at fault; values sent are never echoed back.
"""

import asyncio
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from tekana_common.context import (
    CURSOR_DIGITS_MAX,
    DEFAULT_LIMIT,
    IDEMPOTENCY_KEY_MAX,
    IMPORTED_CURSOR,
    PAGE_MAX,
)
from tekana_common.errors import FieldViolation
from tekana_gateway import jsonio
from tekana_gateway.errors import ApiError, invalid
from tekana_gateway.keys import SETTINGS
from tekana_gateway.openapi.declare import doc_of
from tekana_gateway.upstream import Page

Model = TypeVar("Model", bound=BaseModel)

BIGINT_MAX = 2**63 - 1


async def body(request: web.Request, model: type[Model]) -> Model:
    """The request's JSON object as ``model``; if the route's ``Doc`` says ``json_only``,
    only when it is declared ``application/json`` (415 otherwise)."""
    doc = doc_of(request.match_info.handler)
    if doc is not None and doc.json_only and request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "The body must be application/json")
    raw = await _read(request)
    if not raw.strip():
        raise invalid([FieldViolation("body", "a JSON object is required")])
    try:
        data = jsonio.loads(raw)
    except jsonio.DuplicateKey as exc:
        raise invalid([FieldViolation(exc.key_path or "body", "is given more than once")]) from exc
    except (ValueError, RecursionError) as exc:
        raise invalid([FieldViolation("body", "is not valid JSON")]) from exc
    if not isinstance(data, dict):
        raise invalid([FieldViolation("body", "must be a JSON object")])
    unusable = _unusable_text(data, "")
    if unusable:
        raise invalid([FieldViolation(unusable, "contains characters that are not allowed")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(_violations(exc)) from exc


async def _read(request: web.Request) -> bytes:
    """The whole body, within the time a client is given to send it (a slow body must not
    hold a connection for as long as the client likes)."""
    try:
        async with asyncio.timeout(request.app[SETTINGS].http_body_timeout_seconds):
            return await request.read()
    except TimeoutError:
        raise ApiError(408, "request_timeout", "The body was not sent in time") from None


def _unusable_text(value: object, where: str) -> str:
    """The first field holding text no database or RPC can carry (NUL, lone surrogates)."""
    if isinstance(value, str):
        if "\x00" in value or not _encodable(value):
            return where or "body"
        return ""
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        field = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and ("\x00" in key or not _encodable(key)):
            return field
        found = _unusable_text(item, field)
        if found:
            return found
    return ""


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _violations(exc: ValidationError) -> list[FieldViolation]:
    found = []
    for error in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        message = "is required" if error["type"] == "missing" else str(error["msg"])
        found.append(FieldViolation(field, message))
    return found


def ascii_digits(text: str) -> bool:
    """Only 0-9: ``str.isdigit`` also accepts superscript, Arabic-Indic and full-width
    digits, which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def positive_id(request: web.Request, name: str) -> int:
    """A path segment that must be a database id (1 .. 2^63-1)."""
    raw = request.match_info[name]
    if not ascii_digits(raw) or not 0 < int(raw) <= BIGINT_MAX:
        raise invalid([FieldViolation(name, "must be a positive integer id")])
    return int(raw)


def query_int(request: web.Request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not ascii_digits(raw) or not low <= int(raw) <= high:
        raise invalid([FieldViolation(name, f"must be an integer from {low} to {high}")])
    return int(raw)


def page(request: web.Request) -> Page:
    """The page a list request asks for: ``limit`` (1 to 100, 50 by default) and ``after``."""
    return Page(
        limit=query_int(request, "limit", default=DEFAULT_LIMIT, low=1, high=PAGE_MAX),
        after=query_cursor(request),
    )


def query_cursor(request: web.Request, name: str = "after") -> str:
    raw = request.query.get(name, "")
    # Every cursor this API hands out is a row key: ASCII digits, after an "i" in the part of
    # a wallet's history imported from the old system.
    key = raw.removeprefix(IMPORTED_CURSOR)
    if len(key) > CURSOR_DIGITS_MAX or (raw and not ascii_digits(key)):
        raise invalid([FieldViolation(name, "is not a cursor this API returned")])
    return raw


def idempotency_key(request: web.Request) -> str:
    """The ``Idempotency-Key`` header, or empty when the client sent none."""
    if "Idempotency-Key" not in request.headers:
        return ""
    key = request.headers["Idempotency-Key"]
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise invalid(
            [FieldViolation("Idempotency-Key", f"must be 1 to {IDEMPOTENCY_KEY_MAX} characters")]
        )
    return key


def path_text(request: web.Request, name: str, *, max_length: int = 32) -> str:
    value = request.match_info[name]
    if not value or len(value) > max_length:
        raise invalid([FieldViolation(name, f"must be 1 to {max_length} characters")])
    return value


def client_address(request: web.Request) -> str:
    """The peer's address, or the one a trusted proxy reports for it."""
    hops = request.app[SETTINGS].trusted_proxy_hops
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote or "unknown"
