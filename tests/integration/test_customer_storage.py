"""Customers on the real PostgreSQL: uniqueness under concurrency, credentials, constraints."""

import asyncio
import threading

import pytest
from argon2 import PasswordHasher, Type
from tortoise import Tortoise

from tekana_common.context import Role
from tekana_common.errors import InvalidArgument, Unauthenticated
from tekana_customer import service
from tekana_customer.domain import (
    EmailTaken,
    Gender,
    InvalidCredentials,
    NewCustomer,
    Surface,
    TokenLifetimes,
)
from tekana_customer.national_ids import NationalIdCipher, new_keys_text, parse_keys
from tekana_customer.passwords import Argon2Hasher
from tekana_customer.repository import PostgresCustomerRepository
from tekana_customer.session_repository import PostgresSessionRepository
from tekana_customer.tokens import TokenIssuer
from tekana_gateway.tokens import TokenVerifier
from tests.support.database import DATABASE
from tests.support.fakes import LIFETIMES, FakeRevocations
from tests.support.keys import key_pair

pytestmark = pytest.mark.usefixtures("clean_customers")

CIPHER = NationalIdCipher(parse_keys(new_keys_text()))


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher(workers=2)


def sessions_for(
    repo: PostgresCustomerRepository, issuer: TokenIssuer, lifetimes: TokenLifetimes = LIFETIMES
) -> service.Sessions:
    """Sessions stored for real; revocations only recorded (Redis is the e2e tests')."""
    return service.Sessions(
        PostgresSessionRepository(DATABASE), issuer, lifetimes, FakeRevocations()
    )


def registration(email: str, password: str = "long enough") -> service.Registration:
    return service.Registration(
        email=email, password=password, full_name="Ann", national_id="42", gender=Gender.FEMALE
    )


async def count_customers() -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT count(*) AS n FROM customer"
    )
    return int(rows[0]["n"])


async def test_twenty_concurrent_identical_registrations_make_exactly_one_customer(
    hasher: Argon2Hasher,
) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    outcomes = await asyncio.gather(
        *(service.register(repo, hasher, registration("race@example.com")) for _ in range(20)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(o, EmailTaken) for o in losers)
    assert await count_customers() == 1


async def test_emails_are_unique_in_any_letter_case(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    await service.register(repo, hasher, registration("Case@Example.com"))
    variants = ["case@example.com", "CASE@EXAMPLE.COM", "cAsE@example.com"]
    outcomes = await asyncio.gather(
        *(service.register(repo, hasher, registration(v)) for v in variants),
        return_exceptions=True,
    )
    assert all(isinstance(o, EmailTaken) for o in outcomes)
    assert await count_customers() == 1


async def test_the_database_itself_refuses_a_case_variant() -> None:
    conn = Tortoise.get_connection("default")
    insert = (
        "INSERT INTO customer (email, password_hash, full_name, national_id, gender, is_admin,"
        " created_at) VALUES ($1, 'h', 'n', '1', 'M', false, now())"
    )
    await conn.execute_query(insert, ["raw@example.com"])
    with pytest.raises(Exception, match="customer_email_lower_uq"):
        await conn.execute_query(insert, ["RAW@example.com"])


async def test_the_database_refuses_an_unknown_gender() -> None:
    with pytest.raises(Exception, match="customer_gender_ck"):
        await Tortoise.get_connection("default").execute_query(
            "INSERT INTO customer (email, password_hash, full_name, national_id, gender, is_admin,"
            " created_at) VALUES ('g@example.com', 'h', 'n', '1', 'X', false, now())"
        )


async def test_password_policy_is_enforced_before_storage(hasher: Argon2Hasher) -> None:
    with pytest.raises(InvalidArgument, match="password: must be at least 8"):
        await service.register(
            PostgresCustomerRepository(DATABASE, CIPHER), hasher, registration("p@x.com", "1234567")
        )
    assert await count_customers() == 0


async def test_passwords_are_stored_as_argon2id_hashes(hasher: Argon2Hasher) -> None:
    await service.register(
        PostgresCustomerRepository(DATABASE, CIPHER), hasher, registration("h@example.com")
    )
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT password_hash FROM customer"
    )
    stored = rows[0]["password_hash"]
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "long enough" not in stored


async def test_login_succeeds_and_every_failure_reads_the_same(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    issuer, verifier = key_pair()
    ann = await service.register(repo, hasher, registration("Login@Example.com"))
    issued = await service.authenticate(
        repo,
        hasher,
        sessions_for(repo, issuer),
        email="login@example.com",
        password="long enough",
        surface=Surface.V1,
    )
    assert verifier.verify(issued.token).caller.customer_id == ann.id
    messages = set()
    for email, password in [
        ("login@example.com", "wrong password"),
        ("nobody@example.com", "long enough"),
    ]:
        with pytest.raises(InvalidCredentials) as caught:
            await service.authenticate(
                repo,
                hasher,
                sessions_for(repo, issuer),
                email=email,
                password=password,
                surface=Surface.V1,
            )
        messages.add((caught.value.code, caught.value.message))
    assert len(messages) == 1


async def test_token_expiry_is_honoured(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    issuer, verifier = key_pair()
    short_lived = TokenLifetimes(access=1, legacy=1, refresh=60)
    strict = TokenVerifier(public_key=verifier.public_key, leeway_seconds=0)
    await service.register(repo, hasher, registration("exp@example.com"))
    issued = await service.authenticate(
        repo,
        hasher,
        sessions_for(repo, issuer, short_lived),
        email="exp@example.com",
        password="long enough",
        surface=Surface.V1,
    )
    strict.verify(issued.token)
    await asyncio.sleep(2.1)
    with pytest.raises(Unauthenticated):
        strict.verify(issued.token)


async def test_hashing_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    # The hash blocks until released; were it on the loop, the loop could never release it.
    hasher = Argon2Hasher(workers=1)
    started, release = threading.Event(), threading.Event()

    class HeldHasher(PasswordHasher):
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            started.set()
            release.wait(10)
            return super().hash(password, salt=salt)

    monkeypatch.setattr(hasher, "_hasher", HeldHasher(type=Type.ID))
    pending = asyncio.create_task(hasher.hash("long enough"))
    assert await asyncio.to_thread(started.wait, 10)
    assert not pending.done()
    release.set()
    assert (await pending).startswith("$argon2id$")
    hasher.close()


async def test_listing_is_keyset_ordered_by_id(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    for n in range(4):
        await service.register(repo, hasher, registration(f"l{n}@example.com"))
    page = await repo.list_after(2, 10)
    assert [c.id for c in page] == [3, 4]


async def test_reads_arriving_together_each_get_their_own_customer() -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    stored = [
        await repo.add(
            NewCustomer(
                email=f"batch{n}@example.com",
                password_hash="not checked here",
                full_name="Ann",
                national_id="42",
                gender=Gender.FEMALE,
                roles=frozenset({Role.CUSTOMER}),
            )
        )
        for n in range(3)
    ]
    ids = [c.id for c in stored]
    # One id twice, one that does not exist: answered together, each in its own place.
    asked = [ids[2], ids[0], 999_999_999, ids[0], ids[1]]
    found = await asyncio.gather(*(repo.get(i) for i in asked))
    assert [c.email if c else None for c in found] == [
        "batch2@example.com",
        "batch0@example.com",
        None,
        "batch0@example.com",
        "batch1@example.com",
    ]


@pytest.mark.parametrize(
    ("registered", "logged_in"),
    [
        ("jos\u00e9@example.com", "jose\u0301@example.com"),  # NFC, then NFD
        ("jose\u0301@example.com", "jos\u00e9@example.com"),  # NFD, then NFC
        ("  Stra\u00dfe@Example.com ", "strasse@example.com"),  # case-folded
        ("ann@example.com", "\uff21nn@example.com"),  # full-width A at login
    ],
)
async def test_registration_and_login_normalise_the_email_alike(
    hasher: Argon2Hasher, registered: str, logged_in: str
) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    issuer, verifier = key_pair()
    customer = await service.register(repo, hasher, registration(registered))
    issued = await service.authenticate(
        repo,
        hasher,
        sessions_for(repo, issuer),
        email=logged_in,
        password="long enough",
        surface=Surface.V1,
    )
    assert verifier.verify(issued.token).caller.customer_id == customer.id
    with pytest.raises(EmailTaken):
        await service.register(repo, hasher, registration(registered.strip().upper()))


@pytest.mark.parametrize(
    "confusable",
    [
        "p\u0430ypal@example.com",  # Cyrillic a among Latin letters
        "ann@ex\u0430mple.com",  # ... in the domain
        "\uff41nn@example.com",  # full-width a
        "\ufb01le@example.com",  # the "fi" ligature
    ],
)
async def test_confusable_emails_are_refused_at_registration(
    hasher: Argon2Hasher, confusable: str
) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    with pytest.raises(InvalidArgument) as refused:
        await service.register(repo, hasher, registration(confusable))
    assert refused.value.violations[0].field == "email"
    assert await count_customers() == 0


async def test_emails_in_one_script_other_than_latin_are_welcome(hasher: Argon2Hasher) -> None:
    repo = PostgresCustomerRepository(DATABASE, CIPHER)
    customer = await service.register(
        repo,
        hasher,
        registration("\u0438\u0432\u0430\u043d@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444"),
    )
    assert customer.email.startswith("\u0438\u0432\u0430\u043d@")
