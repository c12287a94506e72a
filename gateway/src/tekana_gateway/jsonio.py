"""JSON in and out of the gateway without floats: numbers with a fraction are read as
``Decimal``, and ``Decimal`` values are written as plain JSON numbers."""

import json
from decimal import Decimal
from typing import Any

import msgspec
from aiohttp import web

_encoder = msgspec.json.Encoder(decimal_format="number")


class DuplicateKey(ValueError):
    """An object names one key twice: which value the sender meant is unknowable."""

    def __init__(self, key: str) -> None:
        super().__init__("duplicate key")
        self.key_path = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


def loads(raw: bytes) -> Any:
    # NaN and Infinity are not JSON, but clients send them; read them as Decimal so that the
    # field they stand in is refused by name.
    return json.loads(raw, parse_float=Decimal, parse_constant=Decimal, object_pairs_hook=_object)


def response(
    body: Any, *, status: int = 200, content_type: str = "application/json"
) -> web.Response:
    return web.Response(body=_encoder.encode(body), status=status, content_type=content_type)
