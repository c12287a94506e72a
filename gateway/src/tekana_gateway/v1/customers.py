"""/v1 customers and tokens."""

from aiohttp import web

from tekana_common import upb
from tekana_gateway import bodies, jsonio, throttle, validation
from tekana_gateway.apidoc import ID_PARAM, Doc, Reply, documented
from tekana_gateway.customers import GENDER_FROM_CODE, v1_customer
from tekana_gateway.keys import UPSTREAMS
from tekana_gateway.presenters import page_info
from tekana_gateway.v1.schemas import CreateCustomer, TokenRequest
from tekana_protos.tekana.common.v1 import PageRequest
from tekana_protos.tekana.customer import v1 as pb

routes = web.RouteTableDef()


@routes.post("/v1/customers")
@documented(
    Doc(
        "Register a customer",
        (Reply(201, bodies.CustomerV1, "Registered"),),
        request=CreateCustomer,
        auth=False,
        rate_limited=True,
        idempotent=True,
        json_only=True,
    )
)
async def create_customer(request: web.Request) -> web.Response:
    # Registration is safe to retry without a key (a second try answers 409 email_taken);
    # the header is accepted, and checked, like on every POST.
    validation.idempotency_key(request)
    body = await validation.body(request, CreateCustomer)
    await throttle.count_registration(request, email=body.email)
    customer = await request.app[UPSTREAMS].customers.register(
        pb.RegisterRequest(
            email=body.email,
            password=body.password,
            full_name=body.full_name,
            national_id=body.national_id,
            gender=GENDER_FROM_CODE[body.gender],
        )
    )
    response = jsonio.response(v1_customer(customer), status=201)
    response.headers["Location"] = f"/v1/customers/{customer.id}"
    return response


@routes.post("/v1/auth/token")
@documented(
    Doc(
        "Exchange credentials for an access token",
        (Reply(200, bodies.AccessTokenV1, "A bearer token"),),
        request=TokenRequest,
        auth=False,
        rate_limited=True,
    )
)
async def issue_token(request: web.Request) -> web.Response:
    body = await validation.body(request, TokenRequest)
    async with throttle.login_attempt(request, email=body.email):
        token = await request.app[UPSTREAMS].customers.authenticate(
            pb.AuthenticateRequest(email=body.email, password=body.password)
        )
    return jsonio.response(
        {"access_token": token.token, "token_type": "Bearer", "expires_in": token.expires_in}
    )


@routes.get("/v1/customers/me")
@documented(Doc("The caller", (Reply(200, bodies.CustomerV1, "The caller"),)))
async def me(request: web.Request) -> web.Response:
    caller = validation.require_caller(request)
    customer = await upb.call(
        request.app[UPSTREAMS].customers,
        upb.GET_CUSTOMER,
        pb.GetCustomerRequest(id=caller.customer_id),
    )
    return jsonio.response(v1_customer(customer))


@routes.get("/v1/customers/{id}")
@documented(
    Doc(
        "One customer: the caller, or anyone for an admin",
        (Reply(200, bodies.CustomerV1, "The customer"),),
        path={"id": ID_PARAM},
    )
)
async def get_customer(request: web.Request) -> web.Response:
    validation.require_caller(request)
    customer_id = validation.positive_id(request, "id")
    customer = await upb.call(
        request.app[UPSTREAMS].customers, upb.GET_CUSTOMER, pb.GetCustomerRequest(id=customer_id)
    )
    return jsonio.response(v1_customer(customer))


@routes.get("/v1/customers")
@documented(
    Doc(
        "All customers by id (admins)",
        (Reply(200, bodies.CustomerPageV1, "A page"),),
        paginated=True,
    )
)
async def list_customers(request: web.Request) -> web.Response:
    validation.require_caller(request)
    limit = validation.query_int(request, "limit", default=50, low=1, high=100)
    after = validation.query_cursor(request)
    page = await request.app[UPSTREAMS].customers.list_customers(
        pb.ListCustomersRequest(page=PageRequest(limit=limit, after=after))
    )
    has_more, next_after = page_info(page.page)
    body: bodies.CustomerPageV1 = {
        "data": [v1_customer(c) for c in page.customers],
        "has_more": has_more,
        "next_after": next_after,
    }
    return jsonio.response(body)
