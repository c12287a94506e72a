"""Customers imported with the old system's bcrypt hash: they log in with their password,
which then gets an argon2id hash; a failed login takes as long whichever hash it met."""

import time

import bcrypt
import pytest
from tortoise import Tortoise

from tekana_customer import service
from tekana_customer.domain import InvalidCredentials, Surface
from tekana_customer.passwords import Argon2Hasher
from tekana_customer.repository import PostgresCustomerRepository
from tests.integration.test_customer_storage import CIPHER, registration, sessions_for
from tests.support.database import DATABASE
from tests.support.keys import key_pair

pytestmark = pytest.mark.usefixtures("clean_customers")


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher(workers=2)


def legacy_hash(password: bytes) -> str:
    """As bcryptjs 2.4.3 made them: cost 10, the "$2a$" prefix."""
    return bcrypt.hashpw(password, bcrypt.gensalt(10, prefix=b"2a")).decode()


async def stored_hash(customer_id: int) -> str:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT password_hash FROM customer WHERE id = $1", [customer_id]
    )
    return str(rows[0]["password_hash"])


async def imported(
    repo: PostgresCustomerRepository, hasher: Argon2Hasher, email: str, h: str
) -> int:
    customer = await service.register(repo, hasher, registration(email))
    await Tortoise.get_connection("default").execute_query(
        "UPDATE customer SET password_hash = $2, imported_at = now() WHERE id = $1",
        [customer.id, h],
    )
    return customer.id


async def login(repo: PostgresCustomerRepository, hasher: Argon2Hasher, email: str, pw: str) -> int:
    issuer, verifier = key_pair()
    issued = await service.authenticate(
        repo, hasher, sessions_for(repo, issuer), email=email, password=pw, surface=Surface.LEGACY
    )
    return verifier.verify(issued.token).caller.customer_id


async def test_a_bcrypt_hash_logs_in_and_is_replaced_by_argon2id(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    old = legacy_hash(b"old system password")
    ann = await imported(repo, hasher, "ann@example.com", old)

    with pytest.raises(InvalidCredentials):
        await login(repo, hasher, "ann@example.com", "not the password")
    assert await stored_hash(ann) == old

    assert await login(repo, hasher, "ann@example.com", "old system password") == ann
    rehashed = await stored_hash(ann)
    assert rehashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    # The new hash serves the next login, and is not replaced again.
    assert await login(repo, hasher, "ann@example.com", "old system password") == ann
    assert await stored_hash(ann) == rehashed


async def test_a_long_password_matches_as_bcryptjs_read_it(hasher: Argon2Hasher) -> None:
    """bcryptjs used the first 72 bytes; the bcrypt package refuses longer input."""
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    password = "é" * 40  # 80 bytes in UTF-8
    bob = await imported(repo, hasher, "bob@example.com", legacy_hash(password.encode()[:72]))
    assert await login(repo, hasher, "bob@example.com", password) == bob


async def test_a_malformed_legacy_hash_matches_nothing(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    await imported(repo, hasher, "cut@example.com", "$2a$10$truncated")
    with pytest.raises(InvalidCredentials):
        await login(repo, hasher, "cut@example.com", "anything at all")


async def test_failures_wait_for_the_slower_scheme() -> None:
    """Once a bcrypt verification has been timed, a failed argon2id one (or an unknown
    e-mail's decoy) answers no sooner: the time of a failure does not tell the schemes apart."""
    hasher = Argon2Hasher(workers=1)
    old = legacy_hash(b"secret")
    started = time.perf_counter()
    assert not await hasher.verify(old, "wrong")
    bcrypt_took = time.perf_counter() - started

    native = await hasher.hash("another secret")
    for attempt in (hasher.verify(native, "wrong"), hasher.burn("wrong")):
        started = time.perf_counter()
        assert not await attempt
        # The running mean starts at the first bcrypt measurement, and only grows a little.
        assert time.perf_counter() - started >= 0.9 * bcrypt_took
    hasher.close()
