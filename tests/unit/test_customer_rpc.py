"""The customer service's gRPC edge, over an in-memory channel."""

from collections.abc import AsyncIterator

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from tekana_common.context import Caller, caller_var
from tekana_common.grpc import error_detail
from tekana_customer.rpc import CustomerServicer
from tekana_protos.tekana.customer import v1 as pb
from tests.support.fakes import FakeCustomerRepository, FakeHasher, fake_sessions
from tests.support.grpc import in_memory_channel
from tests.support.keys import key_pair

ANN = pb.RegisterRequest(
    email="ann@example.com",
    password="long enough",
    full_name="Ann",
    national_id="42",
    gender=pb.Gender.FEMALE,
)


@pytest.fixture
async def stub() -> AsyncIterator[pb.CustomerServiceStub]:
    issuer, _ = key_pair()
    repo = FakeCustomerRepository()
    servicer = CustomerServicer(
        repo=repo, hasher=FakeHasher(), sessions=fake_sessions(repo, issuer)
    )
    async with in_memory_channel([servicer]) as channel:
        yield pb.CustomerServiceStub(channel)


async def test_register_returns_the_customer(stub: pb.CustomerServiceStub) -> None:
    customer = await stub.register(ANN)
    assert customer.id == 1
    assert customer.gender == pb.Gender.FEMALE
    assert customer.roles == [pb.Role.CUSTOMER]


async def test_duplicate_email_is_already_exists_with_a_stable_code(
    stub: pb.CustomerServiceStub,
) -> None:
    await stub.register(ANN)
    with pytest.raises(GRPCError) as caught:
        await stub.register(ANN)
    assert caught.value.status == Status.ALREADY_EXISTS
    detail = error_detail(caught.value)
    assert detail is not None
    assert detail.code == "email_taken"


async def test_unspecified_gender_is_invalid_argument_naming_the_field(
    stub: pb.CustomerServiceStub,
) -> None:
    with pytest.raises(GRPCError) as caught:
        await stub.register(pb.RegisterRequest(email="a@b.co", password="long enough"))
    assert caught.value.status == Status.INVALID_ARGUMENT
    detail = error_detail(caught.value)
    assert detail is not None
    assert [v.field for v in detail.field_violations] == ["gender"]


async def test_reads_need_a_caller_in_metadata(stub: pb.CustomerServiceStub) -> None:
    await stub.register(ANN)
    with pytest.raises(GRPCError) as caught:
        await stub.get_customer(pb.GetCustomerRequest(id=1))
    assert caught.value.status == Status.UNAUTHENTICATED


async def test_the_caller_travels_in_metadata(stub: pb.CustomerServiceStub) -> None:
    await stub.register(ANN)
    token = caller_var.set(Caller(customer_id=1))
    try:
        customer = await stub.get_customer(pb.GetCustomerRequest(id=1))
        with pytest.raises(GRPCError) as caught:
            await stub.get_customer(pb.GetCustomerRequest(id=2))
    finally:
        caller_var.reset(token)
    assert customer.email == "ann@example.com"
    assert caught.value.status == Status.NOT_FOUND


async def test_bad_credentials_are_unauthenticated(stub: pb.CustomerServiceStub) -> None:
    await stub.register(ANN)
    with pytest.raises(GRPCError) as caught:
        await stub.authenticate(pb.AuthenticateRequest(email=ANN.email, password="nope nope"))
    assert caught.value.status == Status.UNAUTHENTICATED
    detail = error_detail(caught.value)
    assert detail is not None
    assert detail.code == "invalid_credentials"
