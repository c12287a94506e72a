"""gRPC edge of the customer service: protobuf in, one use-case, protobuf out."""

from dataclasses import dataclass
from typing import Any

from grpclib.server import Stream

from tekana.customer.v1 import customer_grpc
from tekana.customer.v1 import customer_pb2 as pb
from tekana_common.context import Role, caller_of, page_requested
from tekana_common.errors import InvalidArgument
from tekana_common.grpc_server import receive
from tekana_customer import service
from tekana_customer.domain import Customer, Gender, IssuedSession, Surface
from tekana_customer.passwords import Hasher
from tekana_customer.ports import CustomerRepository

_GENDER_FROM_PB = {pb.GENDER_MALE: Gender.MALE, pb.GENDER_FEMALE: Gender.FEMALE}
_GENDER_TO_PB = {v: k for k, v in _GENDER_FROM_PB.items()}
_ROLE_TO_PB = {Role.CUSTOMER: pb.ROLE_CUSTOMER, Role.ADMIN: pb.ROLE_ADMIN}


def customer_fields(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "email": customer.email,
        "full_name": customer.full_name,
        "national_id": customer.national_id,
        "gender": _GENDER_TO_PB[customer.gender] if customer.gender else pb.GENDER_UNSPECIFIED,
        "roles": sorted(_ROLE_TO_PB[r] for r in customer.roles),
        "created_at_us": int(customer.created_at.timestamp() * 1_000_000),
        "disabled": customer.disabled,
    }


def _token(issued: IssuedSession) -> pb.AccessToken:
    return pb.AccessToken(
        token=issued.token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        refresh_expires_in=issued.refresh_expires_in,
    )


@dataclass(eq=False)
class CustomerServicer(customer_grpc.CustomerServiceBase):
    repo: CustomerRepository
    hasher: Hasher
    sessions: service.Sessions

    async def Register(self, stream: Stream[pb.RegisterRequest, pb.Customer]) -> None:
        request = await receive(stream)
        gender = _GENDER_FROM_PB.get(request.gender)
        if gender is None:
            raise InvalidArgument.for_field("gender", "must be M or F")
        registration = service.Registration(
            email=request.email,
            password=request.password,
            full_name=request.full_name,
            national_id=request.national_id,
            gender=gender,
        )
        customer = await service.register(self.repo, self.hasher, registration)
        await stream.send_message(pb.Customer(**customer_fields(customer)))

    async def Authenticate(self, stream: Stream[pb.AuthenticateRequest, pb.AccessToken]) -> None:
        request = await receive(stream)
        surface = Surface.LEGACY if request.surface == pb.SURFACE_LEGACY else Surface.V1
        issued = await service.authenticate(
            self.repo,
            self.hasher,
            self.sessions,
            email=request.email,
            password=request.password,
            surface=surface,
        )
        await stream.send_message(_token(issued))

    async def RefreshSession(
        self, stream: Stream[pb.RefreshSessionRequest, pb.AccessToken]
    ) -> None:
        request = await receive(stream)
        issued = await service.refresh_session(self.sessions, refresh_token=request.refresh_token)
        await stream.send_message(_token(issued))

    async def EndSession(self, stream: Stream[pb.EndSessionRequest, pb.EndSessionResponse]) -> None:
        request = await receive(stream)
        await service.end_session(
            self.sessions, caller=caller_of(request), session_id=request.session_id
        )
        await stream.send_message(pb.EndSessionResponse())

    async def ChangePassword(
        self, stream: Stream[pb.ChangePasswordRequest, pb.ChangePasswordResponse]
    ) -> None:
        request = await receive(stream)
        await service.change_password(
            self.repo,
            self.hasher,
            self.sessions,
            caller=caller_of(request),
            current_password=request.current_password,
            new_password=request.new_password,
        )
        await stream.send_message(pb.ChangePasswordResponse())

    async def SetCustomerDisabled(
        self, stream: Stream[pb.SetCustomerDisabledRequest, pb.Customer]
    ) -> None:
        request = await receive(stream)
        customer = await service.set_disabled(
            self.repo,
            self.sessions,
            caller=caller_of(request),
            customer_id=request.id,
            disabled=request.disabled,
        )
        await stream.send_message(pb.Customer(**customer_fields(customer)))

    async def GetCustomer(self, stream: Stream[pb.GetCustomerRequest, pb.Customer]) -> None:
        request = await receive(stream)
        customer = await service.get_customer(
            self.repo, caller=caller_of(request), customer_id=request.id
        )
        await stream.send_message(pb.Customer(**customer_fields(customer)))

    async def ListCustomers(
        self, stream: Stream[pb.ListCustomersRequest, pb.ListCustomersResponse]
    ) -> None:
        request = await receive(stream)
        limit, after = page_requested(request.page)
        page = await service.list_customers(
            self.repo, caller=caller_of(request), limit=limit, after=after
        )
        await stream.send_message(
            pb.ListCustomersResponse(
                customers=[customer_fields(c) for c in page.items],
                page={"has_more": page.has_more, "next_after": page.next_after},
            )
        )
