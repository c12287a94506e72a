"""The customer service's gRPC edge, over an in-memory channel."""

from collections.abc import AsyncIterator

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from tekana.customer.v1 import customer_pb2 as pb
from tekana.customer.v1.customer_grpc import CustomerServiceStub
from tekana_common.grpc_errors import error_detail
from tekana_customer.rpc import CustomerServicer
from tests.support.fakes import FakeCustomerRepository, FakeHasher, fake_sessions
from tests.support.grpc import in_memory_channel
from tests.support.keys import key_pair

ANN = pb.RegisterRequest(
    email="ann@example.com",
    password="long enough",
    full_name="Ann",
    national_id="42",
    gender=pb.GENDER_FEMALE,
)


@pytest.fixture
async def stub() -> AsyncIterator[CustomerServiceStub]:
    issuer, _ = key_pair()
    repo = FakeCustomerRepository()
    servicer = CustomerServicer(
        repo=repo, hasher=FakeHasher(), sessions=fake_sessions(repo, issuer)
    )
    async with in_memory_channel([servicer]) as channel:
        yield CustomerServiceStub(channel)


async def test_register_returns_the_customer(stub: CustomerServiceStub) -> None:
    customer = await stub.Register(ANN)
    assert customer.id == 1
    assert customer.gender == pb.GENDER_FEMALE
    assert list(customer.roles) == [pb.ROLE_CUSTOMER]


async def test_duplicate_email_is_already_exists_with_a_stable_code(
    stub: CustomerServiceStub,
) -> None:
    await stub.Register(ANN)
    with pytest.raises(GRPCError) as caught:
        await stub.Register(ANN)
    assert caught.value.status == Status.ALREADY_EXISTS
    detail = error_detail(caught.value)
    assert detail is not None
    assert detail.code == "email_taken"


async def test_unspecified_gender_is_invalid_argument_naming_the_field(
    stub: CustomerServiceStub,
) -> None:
    with pytest.raises(GRPCError) as caught:
        await stub.Register(pb.RegisterRequest(email="a@b.co", password="long enough"))
    assert caught.value.status == Status.INVALID_ARGUMENT
    detail = error_detail(caught.value)
    assert detail is not None
    assert [v.field for v in detail.field_violations] == ["gender"]


async def test_reads_need_a_caller(stub: CustomerServiceStub) -> None:
    await stub.Register(ANN)
    with pytest.raises(GRPCError) as caught:
        await stub.GetCustomer(pb.GetCustomerRequest(id=1))
    assert caught.value.status == Status.UNAUTHENTICATED
    detail = error_detail(caught.value)
    assert detail is not None
    assert detail.code == "missing_caller"


async def test_the_caller_travels_in_the_request(stub: CustomerServiceStub) -> None:
    await stub.Register(ANN)
    ann = {"customer_id": 1}
    customer = await stub.GetCustomer(pb.GetCustomerRequest(caller=ann, id=1))
    with pytest.raises(GRPCError) as caught:
        await stub.GetCustomer(pb.GetCustomerRequest(caller=ann, id=2))
    admin = {"customer_id": 9, "admin": True}
    seen_by_admin = await stub.GetCustomer(pb.GetCustomerRequest(caller=admin, id=1))
    assert customer.email == seen_by_admin.email == "ann@example.com"
    assert caught.value.status == Status.NOT_FOUND


async def test_bad_credentials_are_unauthenticated(stub: CustomerServiceStub) -> None:
    await stub.Register(ANN)
    with pytest.raises(GRPCError) as caught:
        await stub.Authenticate(pb.AuthenticateRequest(email=ANN.email, password="nope nope"))
    assert caught.value.status == Status.UNAUTHENTICATED
    detail = error_detail(caught.value)
    assert detail is not None
    assert detail.code == "invalid_credentials"
