"""JSON in and out of the gateway without floats: numbers with a fraction are read as
``Decimal``, and ``Decimal`` values are written as plain JSON numbers."""

import json
from decimal import Decimal
from typing import Any

import msgspec
from aiohttp import web

_encoder = msgspec.json.Encoder(decimal_format="number")


class NotFiniteError(ValueError):
    """NaN or Infinity, which are not JSON and never an amount."""


def _refuse_constant(name: str) -> Any:
    raise NotFiniteError(name)


def loads(raw: bytes) -> Any:
    return json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)


def response(
    body: Any, *, status: int = 200, content_type: str = "application/json"
) -> web.Response:
    return web.Response(body=_encoder.encode(body), status=status, content_type=content_type)
