"""Checking access tokens (their format is ``tekana_common.auth``)."""

import time
from collections import OrderedDict
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tekana_common import auth
from tekana_common.auth import Verified


@dataclass(frozen=True, slots=True)
class TokenVerifier:
    """Checks tokens, remembering the ones already verified: the Ed25519 signature check was
    a fifth of the gateway's CPU per request, and a client sends the same token for up to
    its whole lifetime. A remembered token is still refused once it expires."""

    public_key: Ed25519PublicKey
    leeway_seconds: int = 5
    remembered: int = 50_000
    _verified: OrderedDict[str, Verified] = field(default_factory=OrderedDict)

    def verify(self, token: str) -> Verified:
        """What a valid token says; ``Unauthenticated`` for anything else. Whether it has
        been revoked since is the revocation list's question (``revocations``)."""
        known = self._verified.get(token)
        if known is not None:
            if time.time() <= known.expires_at + self.leeway_seconds:
                self._verified.move_to_end(token)
                return known
            del self._verified[token]
        verified = auth.read(token, self.public_key, leeway_seconds=self.leeway_seconds)
        self._verified[token] = verified
        if len(self._verified) > self.remembered:
            self._verified.popitem(last=False)
        return verified
