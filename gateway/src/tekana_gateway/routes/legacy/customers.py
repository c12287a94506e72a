"""Legacy customer endpoints: register, login, list, read one."""

from aiohttp import web
from grpclib.exceptions import GRPCError

from tekana_gateway import validation
from tekana_gateway.errors import ApiError, envelope, from_grpc
from tekana_gateway.keys import LIMITER, UPSTREAMS
from tekana_gateway.openapi.declare import ID_PARAM, Doc, Reply, caller, documented
from tekana_gateway.presenters import GENDER_FROM_CODE, legacy_customer
from tekana_gateway.schemas.legacy import (
    LegacyCustomer,
    LegacyCustomers,
    LegacyStatus,
    LegacyToken,
    LoginBody,
    RegisterBody,
)
from tekana_gateway.upstream import Page

routes = web.RouteTableDef()

# The old endpoint returned every customer; one page is what a screen can show.
LIST_LIMIT = 100


@routes.post("/customer/register")
@documented(
    Doc(
        "Register a customer",
        (Reply(201, LegacyStatus, "Registered, or refused: E-Mail already exists"),),
        request=RegisterBody,
        auth=False,
        rate_limited=True,
        idempotent=True,
        json_only=True,
    )
)
async def register(request: web.Request) -> web.Response:
    # As on /v1: a retried registration answers "E-Mail already exists", never a duplicate.
    validation.idempotency_key(request)
    body = await validation.body(request, RegisterBody)
    await request.app[LIMITER].count_registration(
        email=body.email, address=validation.client_address(request)
    )
    await request.app[UPSTREAMS].customers.register(
        email=body.email,
        password=body.password,
        full_name=body.fullName,
        national_id=body.nationalId,
        gender=GENDER_FROM_CODE[body.gender],
    )
    return envelope(request, {"status": 201})


@routes.put("/customer/login")
@documented(
    Doc(
        "Log in and receive an access token",
        (Reply(200, LegacyToken, "A token, or one message for any wrong credential"),),
        request=LoginBody,
        auth=False,
        rate_limited=True,
    )
)
async def login(request: web.Request) -> web.Response:
    body = await validation.body(request, LoginBody)
    address = validation.client_address(request)
    try:
        async with request.app[LIMITER].login_attempt(email=body.email, address=address):
            token = await request.app[UPSTREAMS].customers.log_in(
                email=body.email, password=body.password, legacy=True
            )
    except GRPCError as exc:
        refused = from_grpc(exc)
        if refused.code != "invalid_credentials":
            raise
        # The old system's status for a failed login; one message for both causes.
        raise ApiError(404, refused.code, refused.message) from None
    return envelope(request, {"status": 200, "token": token.token})


@routes.get("/customer")
@documented(Doc("All customers, first 100 (admins)", (Reply(200, LegacyCustomers, "Customers"),)))
async def list_customers(request: web.Request) -> web.Response:
    page = await request.app[UPSTREAMS].customers.customers(
        caller(request), Page(limit=LIST_LIMIT, after="")
    )
    return envelope(request, {"status": 200, "data": [legacy_customer(c) for c in page.customers]})


@routes.get("/customer/{id}")
@documented(
    Doc(
        "One customer: the caller, or anyone for an admin",
        (Reply(200, LegacyCustomer, "The customer, or Customer not found"),),
        path={"id": ID_PARAM},
    )
)
async def get_customer(request: web.Request) -> web.Response:
    customer_id = validation.positive_id(request, "id")
    customer = await request.app[UPSTREAMS].customers.customer(caller(request), customer_id)
    return envelope(request, {"status": 200, "data": legacy_customer(customer)})
