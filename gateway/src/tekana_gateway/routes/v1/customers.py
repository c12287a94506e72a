"""/v1 customers and tokens."""

from aiohttp import web

from tekana.customer.v1.customer_pb2 import AccessToken
from tekana_gateway import jsonio, validation
from tekana_gateway.keys import LIMITER, TOKEN, UPSTREAMS
from tekana_gateway.openapi.declare import ID_PARAM, Doc, Reply, caller, documented
from tekana_gateway.presenters import GENDER_FROM_CODE, page_info, v1_customer
from tekana_gateway.schemas.v1 import (
    AccessTokenV1,
    ChangePassword,
    CreateCustomer,
    CustomerPageV1,
    CustomerV1,
    RefreshRequest,
    TokenRequest,
)

routes = web.RouteTableDef()


@routes.post("/v1/customers")
@documented(
    Doc(
        "Register a customer",
        (Reply(201, CustomerV1, "Registered"),),
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
    await request.app[LIMITER].count_registration(
        email=body.email, address=validation.client_address(request)
    )
    customer = await request.app[UPSTREAMS].customers.register(
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        national_id=body.national_id,
        gender=GENDER_FROM_CODE[body.gender],
    )
    response = jsonio.response(v1_customer(customer), status=201)
    response.headers["Location"] = f"/v1/customers/{customer.id}"
    return response


@routes.post("/v1/auth/token")
@documented(
    Doc(
        "Exchange credentials for an access token",
        (Reply(200, AccessTokenV1, "A bearer token"),),
        request=TokenRequest,
        auth=False,
        rate_limited=True,
    )
)
async def issue_token(request: web.Request) -> web.Response:
    body = await validation.body(request, TokenRequest)
    address = validation.client_address(request)
    async with request.app[LIMITER].login_attempt(email=body.email, address=address):
        token = await request.app[UPSTREAMS].customers.log_in(
            email=body.email, password=body.password, legacy=False
        )
    return jsonio.response(_token_body(token))


def _token_body(token: AccessToken) -> AccessTokenV1:
    return {
        "access_token": token.token,
        "token_type": "Bearer",
        "expires_in": token.expires_in,
        "refresh_token": token.refresh_token,
        "refresh_expires_in": token.refresh_expires_in,
    }


@routes.post("/v1/auth/refresh")
@documented(
    Doc(
        "A new access token and refresh token for a refresh token, which is used up",
        (Reply(200, AccessTokenV1, "A new pair; the refresh token sent no longer works"),),
        request=RefreshRequest,
        auth=False,
        description="A refresh token sent a second time ends its whole session (every "
        "token of it stops working): one of its two holders is not the customer.",
    )
)
async def refresh(request: web.Request) -> web.Response:
    body = await validation.body(request, RefreshRequest)
    token = await request.app[UPSTREAMS].customers.refresh_session(body.refresh_token)
    return jsonio.response(_token_body(token))


@routes.post("/v1/auth/logout")
@documented(
    Doc(
        "End the caller's session: its refresh token and access tokens stop working",
        (Reply(204, None, "Logged out"),),
    )
)
async def logout(request: web.Request) -> web.Response:
    await request.app[UPSTREAMS].customers.end_session(caller(request), request[TOKEN].session_id)
    return web.Response(status=204)


@routes.post("/v1/customers/me/password")
@documented(
    Doc(
        "Change the caller's password: every session and token of theirs stops working",
        (Reply(204, None, "Changed; log in again with the new password"),),
        request=ChangePassword,
        json_only=True,
    )
)
async def change_password(request: web.Request) -> web.Response:
    body = await validation.body(request, ChangePassword)
    await request.app[UPSTREAMS].customers.change_password(
        caller(request), current=body.current_password, new=body.new_password
    )
    return web.Response(status=204)


@routes.post("/v1/customers/{id}/disable")
@documented(
    Doc(
        "Disable a customer (admins): no login, every token refused at once; money stays",
        (Reply(200, CustomerV1, "The customer, disabled"),),
        path={"id": ID_PARAM},
    )
)
async def disable(request: web.Request) -> web.Response:
    return await _set_disabled(request, disabled=True)


@routes.post("/v1/customers/{id}/enable")
@documented(
    Doc(
        "Enable a disabled customer (admins); tokens issued before stay refused",
        (Reply(200, CustomerV1, "The customer, enabled"),),
        path={"id": ID_PARAM},
    )
)
async def enable(request: web.Request) -> web.Response:
    return await _set_disabled(request, disabled=False)


async def _set_disabled(request: web.Request, *, disabled: bool) -> web.Response:
    customer = await request.app[UPSTREAMS].customers.set_disabled(
        caller(request), validation.positive_id(request, "id"), disabled=disabled
    )
    return jsonio.response(v1_customer(customer))


@routes.get("/v1/customers/me")
@documented(Doc("The caller", (Reply(200, CustomerV1, "The caller"),)))
async def me(request: web.Request) -> web.Response:
    reader = caller(request)
    customer = await request.app[UPSTREAMS].customers.customer(reader, reader.customer_id)
    return jsonio.response(v1_customer(customer))


@routes.get("/v1/customers/{id}")
@documented(
    Doc(
        "One customer: the caller, or anyone for an admin",
        (Reply(200, CustomerV1, "The customer"),),
        path={"id": ID_PARAM},
    )
)
async def get_customer(request: web.Request) -> web.Response:
    customer_id = validation.positive_id(request, "id")
    customer = await request.app[UPSTREAMS].customers.customer(caller(request), customer_id)
    return jsonio.response(v1_customer(customer))


@routes.get("/v1/customers")
@documented(
    Doc(
        "All customers by id (admins)",
        (Reply(200, CustomerPageV1, "A page"),),
        paginated=True,
    )
)
async def list_customers(request: web.Request) -> web.Response:
    page = await request.app[UPSTREAMS].customers.customers(
        caller(request), validation.page(request)
    )
    has_more, next_after = page_info(page.page)
    body: CustomerPageV1 = {
        "data": [v1_customer(c) for c in page.customers],
        "has_more": has_more,
        "next_after": next_after,
    }
    return jsonio.response(body)
