"""A faster betterproto2 encoder, by one change.

To decide whether a field holds its default (and so is left off the wire), betterproto2
builds the default inside ``warnings.catch_warnings()`` for every field of every message it
encodes, to silence deprecation warnings of deprecated fields. That context manager was a
third of the encoding time of a 100-entry wallet history. Our protos deprecate no field, so
the default is built directly; the bytes on the wire are the same.
"""

from typing import Any

import betterproto2

_installed = False
# betterproto2's own, kept to compare with (this module is the only one that replaces it).
STOCK_FIELD_DEFAULT = betterproto2.Message._get_field_default


def _field_default(self: betterproto2.Message, field_name: str) -> Any:
    return self._betterproto.default_gen[field_name]()  # type: ignore[arg-type]


def speed_up_encoding() -> None:
    """Install the faster default lookup (idempotent)."""
    global _installed
    if not _installed:
        betterproto2.Message._get_field_default = _field_default  # type: ignore[method-assign]
        _installed = True
