"""How an ``ApiError`` looks on each surface: problem JSON on /v1, the envelope elsewhere."""

from aiohttp import web

from tekana_gateway import jsonio
from tekana_gateway.errors import TITLES, ApiError

PROBLEM_JSON = "application/problem+json"


def is_v1(request: web.Request) -> bool:
    return is_v1_path(request.path)


def is_v1_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def problem(error: ApiError, *, instance: str, request_id: str) -> web.Response:
    """RFC 9457 problem details, with Tekana's stable ``code`` and the bad fields."""
    body: dict[str, object] = {
        "type": f"urn:tekana:problem:{error.code}",
        "title": TITLES.get(error.status, "Error"),
        "status": error.status,
        "detail": error.message,
        "instance": instance,
        "code": error.code,
    }
    # The id is always in X-Request-ID; in the body only where support will need it, so
    # that a replayed refusal answers with exactly the body of the first.
    if error.status >= 500:
        body["request_id"] = request_id
    if error.violations:
        body["errors"] = [{"field": v.field, "message": v.description} for v in error.violations]
    response = jsonio.response(body, status=error.status, content_type=PROBLEM_JSON)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tekana"'
    return _with_retry_after(response, error)


def _with_retry_after(response: web.Response, error: ApiError) -> web.Response:
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def legacy(error: ApiError, *, request: web.BaseRequest) -> web.Response:
    """The old contract: the outcome in the body's ``status``, HTTP 200/201 for business
    outcomes, real HTTP statuses for bad input, bad tokens, unknown routes and our faults."""
    if error.is_token_problem:
        return jsonio.response({"statusCode": 401, "message": "Unauthorized"}, status=401)
    if error.status in (404, 405) and error.code in {"route_not_found", "method_not_allowed"}:
        return jsonio.response(
            {
                "statusCode": error.status,
                "message": f"Cannot {request.method} {request.path}",
                "error": TITLES[error.status],
            },
            status=error.status,
        )
    messages = (
        [f"{v.field}: {v.description}" for v in error.violations]
        if error.violations
        else [error.message]
    )
    body = {"status": error.status, "error": messages}
    if error.status in (400, 408, 413, 415, 429) or error.status >= 500:
        return _with_retry_after(jsonio.response(body, status=error.status), error)
    return envelope(request, body)


def envelope(request: web.BaseRequest, body: dict[str, object]) -> web.Response:
    """A legacy answer: HTTP 201 for POST, 200 otherwise, whatever the body's status says."""
    return jsonio.response(body, status=201 if request.method == "POST" else 200)
