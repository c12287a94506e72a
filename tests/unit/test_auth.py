"""Access tokens: only an unexpired EdDSA token signed by our key names a caller."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tekana_common.auth import (
    KeyConfigError,
    load_private_key,
    load_public_key,
    read_key_material,
)
from tekana_common.context import Caller, Role
from tekana_common.errors import Unauthenticated
from tekana_customer.tokens import TokenIssuer
from tekana_devstack.jwt_keys import generate_key_pair
from tekana_gateway.tokens import TokenVerifier
from tests.support.keys import (
    alg_none_token,
    claims,
    expired_token,
    hs256_token,
    signed_by_stranger,
)


@pytest.fixture
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def verifier(private_key: Ed25519PrivateKey) -> TokenVerifier:
    return TokenVerifier(public_key=private_key.public_key())


def test_issued_token_carries_the_legacy_claims(private_key: Ed25519PrivateKey) -> None:
    issuer = TokenIssuer(private_key=private_key, ttl_seconds=60)
    token = issuer.issue(customer_id=7, email="a@b.co", roles=frozenset({Role.ADMIN})).token
    decoded = jwt.decode(token, private_key.public_key(), algorithms=["EdDSA"])
    assert decoded["id"] == 7
    assert decoded["sub"] == "7"
    assert decoded["email"] == "a@b.co"
    assert decoded["roles"] == ["admin"]
    assert decoded["exp"] - decoded["iat"] == 60


def test_a_valid_token_names_its_caller(
    private_key: Ed25519PrivateKey, verifier: TokenVerifier
) -> None:
    token = TokenIssuer(private_key=private_key, ttl_seconds=60).issue(
        customer_id=3, email="a@b.co", roles=frozenset({Role.CUSTOMER, Role.ADMIN})
    )
    caller = verifier.verify(token.token).caller
    assert caller == Caller(customer_id=3, roles=frozenset({Role.CUSTOMER, Role.ADMIN}))
    assert caller.is_admin


def test_rejects_expired_tokens(private_key: Ed25519PrivateKey, verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthenticated):
        verifier.verify(expired_token(private_key, 1))


def test_rejects_tokens_signed_by_another_key(verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthenticated):
        verifier.verify(signed_by_stranger(1))


def test_rejects_unsigned_alg_none_tokens(verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthenticated):
        verifier.verify(alg_none_token(1))


def test_rejects_hmac_tokens_keyed_with_the_public_key(verifier: TokenVerifier) -> None:
    # The classic algorithm-confusion attack: HS256 with the public key as the secret.
    _, public_pem = generate_key_pair()
    forged = hs256_token(claims(1), secret=public_pem)
    with pytest.raises(Unauthenticated):
        verifier.verify(forged)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "e30.e30.e30"])
def test_rejects_garbage(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_rejects_tokens_whose_id_is_not_an_integer(private_key: Ed25519PrivateKey) -> None:
    bad = dict(claims(1), id="1")
    token = jwt.encode(bad, private_key, algorithm="EdDSA")
    with pytest.raises(Unauthenticated):
        TokenVerifier(public_key=private_key.public_key()).verify(token)


def test_keys_round_trip_through_pem() -> None:
    private_pem, public_pem = generate_key_pair()
    private = load_private_key(private_pem)
    public = load_public_key(public_pem)
    assert private.public_key().public_bytes_raw() == public.public_bytes_raw()


def test_missing_key_configuration_says_what_to_set() -> None:
    with pytest.raises(KeyConfigError, match="TEKANA_JWT_PUBLIC_KEY"):
        read_key_material(inline=None, path=None, what="public key")
    with pytest.raises(KeyConfigError, match="cannot read"):
        read_key_material(inline=None, path="/nonexistent/key.pem", what="public key")


def test_a_remembered_token_is_refused_once_it_expires(private_key: Ed25519PrivateKey) -> None:
    strict = TokenVerifier(public_key=private_key.public_key(), leeway_seconds=0)
    token = TokenIssuer(private_key=private_key, ttl_seconds=1).issue(
        customer_id=5, email="a@b.co", roles=frozenset({Role.CUSTOMER})
    )
    assert strict.verify(token.token).caller.customer_id == 5
    assert strict.verify(token.token).caller.customer_id == 5  # from memory
    expires_at = jwt.decode(token.token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires_at + 1.05 - time.time()))
    with pytest.raises(Unauthenticated):
        strict.verify(token.token)


def test_remembers_a_bounded_number_of_tokens(private_key: Ed25519PrivateKey) -> None:
    small = TokenVerifier(public_key=private_key.public_key(), remembered=2)
    issuer = TokenIssuer(private_key=private_key, ttl_seconds=60)
    tokens = [
        issuer.issue(customer_id=n, email="a@b.co", roles=frozenset({Role.CUSTOMER})).token
        for n in range(1, 5)
    ]
    assert [small.verify(t).caller.customer_id for t in tokens] == [1, 2, 3, 4]
    assert list(small._verified) == tokens[-2:]
