"""Customer use-cases over in-memory fakes."""

import pytest

from tekana_common.context import Caller, Role
from tekana_common.errors import InvalidArgument
from tekana_customer import service
from tekana_customer.domain import (
    AdminOnly,
    CustomerNotFound,
    EmailTaken,
    Gender,
    InvalidCredentials,
    Surface,
)
from tests.support.fakes import FakeCustomerRepository, FakeHasher, fake_sessions
from tests.support.keys import key_pair

ADMIN = Caller(customer_id=999, roles=frozenset({Role.CUSTOMER, Role.ADMIN}))


def registration(
    email: str = "ann@example.com", password: str = "long enough"
) -> service.Registration:
    return service.Registration(
        email=email, password=password, full_name="Ann", national_id="42", gender=Gender.FEMALE
    )


async def test_register_stores_a_hash_never_the_password() -> None:
    repo, hasher = FakeCustomerRepository(), FakeHasher()
    customer = await service.register(repo, hasher, registration())
    stored_hash = repo.rows[customer.id][1]
    assert stored_hash != "long enough"
    assert await hasher.verify(stored_hash, "long enough")
    assert customer.roles == frozenset({Role.CUSTOMER})


async def test_register_refuses_an_email_taken_in_another_letter_case() -> None:
    repo, hasher = FakeCustomerRepository(), FakeHasher()
    await service.register(repo, hasher, registration("ann@example.com"))
    with pytest.raises(EmailTaken) as caught:
        await service.register(repo, hasher, registration("ANN@example.com"))
    assert caught.value.code == "email_taken"
    assert caught.value.message == "E-Mail already exists"


async def test_register_refuses_a_short_password_before_storing_anything() -> None:
    repo = FakeCustomerRepository()
    with pytest.raises(InvalidArgument, match="password"):
        await service.register(repo, FakeHasher(), registration(password="short"))
    assert repo.rows == {}


async def test_authenticate_issues_a_token_naming_the_customer() -> None:
    repo, hasher = FakeCustomerRepository(), FakeHasher()
    issuer, verifier = key_pair()
    customer = await service.register(repo, hasher, registration())
    issued = await service.authenticate(
        repo,
        hasher,
        fake_sessions(repo, issuer),
        email="ANN@example.com",
        password="long enough",
        surface=Surface.V1,
    )
    assert verifier.verify(issued.token).caller == Caller(customer_id=customer.id)
    assert issued.expires_in == 900


async def test_wrong_password_and_unknown_email_fail_alike() -> None:
    repo, hasher = FakeCustomerRepository(), FakeHasher()
    issuer, _ = key_pair()
    await service.register(repo, hasher, registration())
    failures = []
    for email, password in [("ann@example.com", "wrong pass"), ("bob@example.com", "long enough")]:
        with pytest.raises(InvalidCredentials) as caught:
            await service.authenticate(
                repo,
                hasher,
                fake_sessions(repo, issuer),
                email=email,
                password=password,
                surface=Surface.V1,
            )
        failures.append((caught.value.code, caught.value.message))
    assert failures[0] == failures[1]
    # The unknown e-mail spent a verification too, so timing does not tell them apart.
    assert hasher.verifications == 2


async def test_a_customer_reads_only_themself() -> None:
    repo, hasher = FakeCustomerRepository(), FakeHasher()
    ann = await service.register(repo, hasher, registration("ann@example.com"))
    bob = await service.register(repo, hasher, registration("bob@example.com"))
    me = Caller(customer_id=ann.id)
    assert await service.get_customer(repo, caller=me, customer_id=ann.id) == ann
    with pytest.raises(CustomerNotFound):
        await service.get_customer(repo, caller=me, customer_id=bob.id)
    assert await service.get_customer(repo, caller=ADMIN, customer_id=bob.id) == bob


async def test_an_admin_asking_for_a_missing_customer_gets_not_found() -> None:
    with pytest.raises(CustomerNotFound):
        await service.get_customer(FakeCustomerRepository(), caller=ADMIN, customer_id=5)


async def test_listing_customers_is_for_admins_only() -> None:
    with pytest.raises(AdminOnly):
        await service.list_customers(
            FakeCustomerRepository(), caller=Caller(customer_id=1), limit=10, after=""
        )


async def test_listing_pages_by_id_with_a_cursor() -> None:
    repo, hasher = FakeCustomerRepository(), FakeHasher()
    for n in range(5):
        await service.register(repo, hasher, registration(f"c{n}@example.com"))
    first = await service.list_customers(repo, caller=ADMIN, limit=2, after="")
    assert [c.id for c in first.items] == [1, 2]
    assert first.has_more
    assert first.next_after == "2"
    last = await service.list_customers(repo, caller=ADMIN, limit=3, after=first.next_after)
    assert [c.id for c in last.items] == [3, 4, 5]
    assert not last.has_more
    assert last.next_after == ""


@pytest.mark.parametrize(("limit", "after"), [(0, ""), (101, ""), (10, "abc"), (10, "9" * 30)])
async def test_listing_refuses_bad_limits_and_cursors(limit: int, after: str) -> None:
    with pytest.raises(InvalidArgument):
        await service.list_customers(
            FakeCustomerRepository(), caller=ADMIN, limit=limit, after=after
        )
