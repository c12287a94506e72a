"""National ids on the real PostgreSQL: sealed at rest, bound to their row, readable by
the customer and admins, and re-sealed under a new key while customers register and read."""

import asyncio

import pytest
from tortoise import Tortoise

from tekana_customer import service
from tekana_customer.domain import Customer, Gender
from tekana_customer.national_ids import NationalIdCipher, NationalIdKeyError, parse_keys
from tekana_customer.repository import (
    PostgresCustomerRepository,
    count_unsealed,
    reseal_national_ids,
)
from tests.support.database import DATABASE
from tests.support.fakes import FakeHasher

pytestmark = pytest.mark.usefixtures("clean_customers")

KEY_1 = '{"1": "' + "A" * 43 + '="}'
KEYS_1_2 = '{"1": "' + "A" * 43 + '=", "2": "' + "B" * 43 + '="}'
KEY_2_ONLY = '{"2": "' + "B" * 43 + '="}'


def cipher(keys: str) -> NationalIdCipher:
    return NationalIdCipher(parse_keys(keys))


def registration(n: int) -> service.Registration:
    return service.Registration(
        email=f"n{n}@example.com",
        password="long enough",
        full_name="Nat Id",
        national_id=f"11998800{n:08d}",
        gender=Gender.MALE,
    )


async def raw_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT id, national_id, national_id_cipher, national_id_key FROM customer ORDER BY id"
    )
    return rows


async def test_the_stored_column_holds_no_plain_national_id() -> None:
    repo = PostgresCustomerRepository(DATABASE, cipher(KEY_1))
    customer = await service.register(repo, FakeHasher(), registration(1))
    assert customer.national_id == "1199880000000001"
    (row,) = await raw_rows()
    assert row["national_id"] is None
    assert row["national_id_key"] == 1
    sealed = row["national_id_cipher"]
    assert isinstance(sealed, bytes)
    assert b"1199880000000001" not in sealed
    assert "1199880000000001" not in sealed.hex()
    assert (await repo.get(customer.id)) == customer


async def test_a_sealed_value_moved_to_another_row_does_not_open() -> None:
    repo = PostgresCustomerRepository(DATABASE, cipher(KEY_1))
    ann = await service.register(repo, FakeHasher(), registration(1))
    bob = await service.register(repo, FakeHasher(), registration(2))
    await Tortoise.get_connection("default").execute_query(
        "UPDATE customer SET national_id_cipher ="
        " (SELECT national_id_cipher FROM customer WHERE id = $1) WHERE id = $2",
        [ann.id, bob.id],
    )
    with pytest.raises(NationalIdKeyError):
        await repo.get(bob.id)


async def test_rows_from_before_encryption_are_read_then_sealed() -> None:
    await Tortoise.get_connection("default").execute_query(
        "INSERT INTO customer (email, password_hash, full_name, national_id, gender, is_admin,"
        " created_at) VALUES ('old@example.com', 'x', 'Old', '1234567890123456', 'F', false,"
        " now())"
    )
    new_keys = cipher(KEY_1)
    repo = PostgresCustomerRepository(DATABASE, new_keys)
    (old,) = await repo.list_after(0, 10)
    assert old.national_id == "1234567890123456"
    assert await count_unsealed(DATABASE, new_keys) == 1
    assert await reseal_national_ids(DATABASE, new_keys, batch=10) == 1
    (row,) = await raw_rows()
    assert row["national_id"] is None
    assert (await repo.get(old.id)) == old


async def test_keys_rotate_while_customers_register_and_read() -> None:
    old_repo = PostgresCustomerRepository(DATABASE, cipher(KEY_1))
    before = [await service.register(old_repo, FakeHasher(), registration(n)) for n in range(60)]
    rotated = cipher(KEYS_1_2)
    repo = PostgresCustomerRepository(DATABASE, rotated)
    assert await count_unsealed(DATABASE, rotated) == 60
    stop = asyncio.Event()
    seen: list[tuple[int, str]] = []

    async def read_all_along() -> None:
        while not stop.is_set():
            for customer in before[::7]:
                found = await repo.get(customer.id)
                assert found is not None
                seen.append((customer.id, found.national_id))
            await asyncio.sleep(0)

    async def register_along() -> list[Customer]:
        return [await service.register(repo, FakeHasher(), registration(n)) for n in range(60, 90)]

    async def reseal_in_batches() -> int:
        batches = 0
        while await reseal_national_ids(DATABASE, rotated, batch=7):
            batches += 1
        return batches

    reader = asyncio.create_task(read_all_along())
    during, batches = await asyncio.gather(register_along(), reseal_in_batches())
    stop.set()
    await reader
    assert batches >= 60 // 7
    assert await count_unsealed(DATABASE, rotated) == 0
    assert {row["national_id_key"] for row in await raw_rows()} == {2}
    # Readers only ever saw the right value, and version 1 can now be dropped.
    expected = {c.id: c.national_id for c in before}
    assert seen
    assert all(expected[cid] == value for cid, value in seen)
    only_new = PostgresCustomerRepository(DATABASE, cipher(KEY_2_ONLY))
    for customer in [*before, *during]:
        assert (await only_new.get(customer.id)) == customer


async def test_a_stopped_reencryption_resumes_where_it_was() -> None:
    repo = PostgresCustomerRepository(DATABASE, cipher(KEY_1))
    for n in range(10):
        await service.register(repo, FakeHasher(), registration(n))
    rotated = cipher(KEYS_1_2)
    assert await reseal_national_ids(DATABASE, rotated, batch=4) == 4
    assert await count_unsealed(DATABASE, rotated) == 6
    assert await reseal_national_ids(DATABASE, rotated, batch=4) == 4
    assert await reseal_national_ids(DATABASE, rotated, batch=4) == 2
    assert await reseal_national_ids(DATABASE, rotated, batch=4) == 0
