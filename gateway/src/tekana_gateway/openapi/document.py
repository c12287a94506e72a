"""The OpenAPI 3.1 document, generated from the route table, the request models and the
response body types: nothing in it is written by hand."""

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter

from tekana_gateway.openapi.declare import Doc, doc_of
from tekana_gateway.schemas.legacy import LegacyError, LegacyUnauthorized
from tekana_gateway.schemas.v1 import Problem

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)}")

V1_ERRORS = {
    400: "Malformed input; `errors` names each bad field",
    401: "Missing, malformed, expired or wrongly signed token",
    403: "Not allowed for this caller",
    404: "No such resource visible to this caller",
    409: "Refused by a business rule (stable `code`: insufficient_funds, email_taken, ...)",
    429: "Too many attempts; retry after `Retry-After` seconds",
    500: "Unexpected failure (the body carries the request id)",
    503: "An upstream service is unavailable",
    504: "An upstream service did not answer in time",
}
LEGACY_ERRORS = {
    400: "Malformed input, each bad field named in `error`",
    429: "Too many attempts",
    500: "Unexpected failure",
    503: "An upstream service is unavailable",
    504: "An upstream service did not answer in time",
}


class Schemas:
    """components/schemas, filled as operations refer to types."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, tp: Any) -> dict[str, str]:
        name = tp.__name__
        if name not in self.components:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                schema = tp.model_json_schema(ref_template=_REF, mode="validation")
            else:
                schema = TypeAdapter(tp).json_schema(ref_template=_REF, mode="serialization")
            self.components.update(schema.pop("$defs", {}))
            self.components[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}


def build(app: web.Application, *, title: str, version: str) -> dict[str, Any]:
    schemas = Schemas()
    paths: dict[str, dict[str, Any]] = {}
    operation_ids: set[str] = set()
    for route in app.router.routes():
        doc = doc_of(route.handler)
        if doc is None or route.method == "HEAD":
            continue
        path = route.resource.canonical if route.resource else ""
        operation = _operation(schemas, path, route.method, route.handler, doc)
        if operation["operationId"] in operation_ids:
            raise ValueError(f"two handlers would share operationId {operation['operationId']}")
        operation_ids.add(operation["operationId"])
        paths.setdefault(path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": (
                "Tekana e-wallet. `/v1` is the current API (snake_case, RFC 9457 errors, "
                "amounts in integer minor units). Operations tagged `legacy` keep the old "
                "front-end's contract: the outcome is in the body's `status` and HTTP is 200/201 "
                "for business outcomes; amounts are numbers in major units."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "v1 customers"},
            {"name": "v1 auth"},
            {"name": "v1 wallets"},
            {"name": "v1 transfers"},
            {"name": "legacy", "description": "The old contract, shape unchanged"},
            {"name": "operations", "description": "Health and readiness"},
        ],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _surface(path: str) -> str:
    if path.startswith("/v1/"):
        return "v1"
    return "operations" if path in ("/health", "/ready") else "legacy"


def _tag(path: str) -> str:
    surface = _surface(path)
    if surface != "v1":
        return surface
    area = path.split("/")[2]
    return f"v1 {area}"


def _operation(schemas: Schemas, path: str, method: str, handler: Any, doc: Doc) -> dict[str, Any]:
    surface = _surface(path)
    operation: dict[str, Any] = {
        "operationId": f"{surface}_{handler.__name__}",
        "summary": doc.summary,
        "tags": [_tag(path)],
        "parameters": _parameters(path, doc),
        "responses": _responses(schemas, surface, doc),
        "security": [{"bearerAuth": []}] if doc.auth else [],
    }
    if doc.description:
        operation["description"] = doc.description
    if doc.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.ref(doc.request)}},
        }
    return operation


def _parameters(path: str, doc: Doc) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": dict(doc.path[name])}
        for name in _PATH_PARAM.findall(path)
    ]
    if doc.idempotent:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Makes retries safe: the same key and request replays the first "
                "answer; the same key with another request is refused (409).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 128},
            }
        )
    if doc.paginated:
        params += [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
            },
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": "`next_after` of the previous page",
                "schema": {"type": "string", "maxLength": 64},
            },
        ]
    return params


def _responses(schemas: Schemas, surface: str, doc: Doc) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for reply in doc.replies:
        if reply.body is None:  # no content (204)
            responses[str(reply.status)] = {"description": reply.description}
            continue
        schema: dict[str, Any] = schemas.ref(reply.body)
        if surface == "legacy":
            # Business refusals arrive in the same HTTP status, as an error envelope.
            schema = {"anyOf": [schema, schemas.ref(LegacyError)]}
        responses[str(reply.status)] = {
            "description": reply.description,
            "content": {"application/json": {"schema": schema}},
        }
    if surface == "v1":
        problem = {"application/problem+json": {"schema": schemas.ref(Problem)}}
        for status, description in V1_ERRORS.items():
            if status == 429 and not doc.rate_limited:
                continue
            responses.setdefault(str(status), {"description": description, "content": problem})
    elif surface == "legacy":
        envelope = {"application/json": {"schema": schemas.ref(LegacyError)}}
        for status, description in LEGACY_ERRORS.items():
            if status == 429 and not doc.rate_limited:
                continue
            responses.setdefault(str(status), {"description": description, "content": envelope})
        if doc.auth:
            responses["401"] = {
                "description": "Missing, malformed, expired or wrongly signed token",
                "content": {"application/json": {"schema": schemas.ref(LegacyUnauthorized)}},
            }
    if doc.request is not None:
        refused = responses.get("400", {}).get("content")
        responses["408"] = {"description": "The body was not sent in time", "content": refused}
        responses["413"] = {"description": "Body larger than 64 KiB", "content": refused}
        if doc.json_only:
            responses["415"] = {
                "description": "The body is not application/json",
                "content": refused,
            }
    return dict(sorted(responses.items()))
