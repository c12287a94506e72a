"""National ids encrypted at rest: AES-256-GCM under versioned keys.

Keys come from the environment or a mounted secret as a JSON object of version to
base64 key (``{"1": "...", "2": "..."}``). The newest version encrypts; every listed one
decrypts, so keys can be rotated: add a version, re-encrypt (``reencrypt``), then drop the
old one. Each value is bound to its customer's id (associated data), so a ciphertext
copied onto another row does not decrypt.
"""

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_KEY_BYTES = 32


class NationalIdKeyError(RuntimeError):
    """The keys are missing or malformed; the process cannot start."""


@dataclass(frozen=True, slots=True)
class Sealed:
    key_version: int
    # The nonce, then the ciphertext and its tag.
    blob: bytes


class NationalIdCipher:
    def __init__(self, keys: dict[int, bytes]) -> None:
        if not keys:
            raise NationalIdKeyError("no national id key configured")
        self._aeads = {version: AESGCM(key) for version, key in keys.items()}
        self.newest = max(keys)

    def seal(self, customer_id: int, national_id: str) -> Sealed:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        blob = self._aeads[self.newest].encrypt(nonce, national_id.encode(), _bound(customer_id))
        return Sealed(self.newest, nonce + blob)

    def open(self, customer_id: int, sealed: Sealed) -> str:
        aead = self._aeads.get(sealed.key_version)
        if aead is None:
            raise NationalIdKeyError(f"national id key version {sealed.key_version} is not set")
        nonce, blob = sealed.blob[:_NONCE_BYTES], sealed.blob[_NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, blob, _bound(customer_id)).decode()
        except InvalidTag as exc:
            raise NationalIdKeyError(
                f"customer {customer_id}: national id does not decrypt"
            ) from exc


def _bound(customer_id: int) -> bytes:
    return f"tekana:customer:{customer_id}:national_id".encode()


def parse_keys(text: str) -> dict[int, bytes]:
    """``{"1": "<base64 of 32 bytes>", ...}`` as versions and keys."""
    try:
        raw = json.loads(text)
        keys = {int(version): base64.b64decode(key, validate=True) for version, key in raw.items()}
    except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
        raise NationalIdKeyError(
            'national id keys must be a JSON object {"1": "<base64 key>", ...}'
        ) from exc
    if any(len(key) != _KEY_BYTES or version < 1 for version, key in keys.items()):
        raise NationalIdKeyError("each national id key is 32 bytes (base64) under a version >= 1")
    return keys


def load_keys(*, inline: str | None, path: str | None) -> dict[int, bytes]:
    """The keys from an environment value, else from a file (a mounted secret)."""
    if inline:
        return parse_keys(inline)
    if path:
        try:
            return parse_keys(Path(path).read_text())
        except OSError as exc:
            raise NationalIdKeyError(f"cannot read national id keys from {path}") from exc
    raise NationalIdKeyError("no national id keys: set TEKANA_NATIONAL_ID_KEYS[_FILE]")


def new_keys_text(version: int = 1) -> str:
    """A fresh key set of one version, as the settings take it (development, rotation)."""
    return json.dumps({str(version): base64.b64encode(os.urandom(_KEY_BYTES)).decode()})
