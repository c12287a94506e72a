"""The OpenAPI document: valid 3.1, generated for every route, and the Postman collection
committed under docs/ is what it generates."""

from typing import Any

import pytest
from openapi_spec_validator import validate

from tekana_devstack import postman
from tekana_devstack.jwt_keys import generate_key_pair
from tekana_gateway.app import create_app
from tekana_gateway.openapi.declare import doc_of
from tekana_gateway.settings import GatewaySettings

UNDOCUMENTED = {"/openapi.json", "/docs", "/docs/init.js"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return postman.gateway_spec()


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_route_is_documented() -> None:
    app = create_app(GatewaySettings(jwt_public_key=generate_key_pair()[1].decode()))
    missing = [
        f"{route.method} {route.resource.canonical}"
        for route in app.router.routes()
        if route.method != "HEAD"
        and route.resource is not None
        and route.resource.canonical not in UNDOCUMENTED
        and not route.resource.canonical.startswith("/docs/assets")
        and doc_of(route.handler) is None
    ]
    assert missing == []


def test_surfaces_have_their_own_error_shapes(spec: dict[str, Any]) -> None:
    transfer = spec["paths"]["/v1/transfers"]["post"]
    assert set(transfer["responses"]["409"]["content"]) == {"application/problem+json"}
    assert transfer["security"] == [{"bearerAuth": []}]
    assert "Idempotency-Key" in [p["name"] for p in transfer["parameters"]]
    legacy = spec["paths"]["/transaction"]["post"]
    assert legacy["tags"] == ["legacy"]
    assert legacy["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LegacyUnauthorized"
    }
    success = legacy["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/LegacyError"} in success["anyOf"]


def test_lists_document_their_pagination(spec: dict[str, Any]) -> None:
    listing = spec["paths"]["/v1/wallets/{account}/entries"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"account", "limit", "after"}
    page = spec["components"]["schemas"]["EntryPageV1"]
    assert set(page["required"]) == {"data", "has_more", "next_after"}


def test_amounts_are_documented_as_integers_and_exact_numbers(spec: dict[str, Any]) -> None:
    money = spec["components"]["schemas"]["MoneyBody"]["properties"]["amount_minor"]
    assert money["type"] == "integer"
    assert money["exclusiveMinimum"] == 0
    legacy = spec["components"]["schemas"]["TransferBody"]["properties"]["amount"]
    # A JSON number, or a plain decimal in a string, as the old system took.
    assert [form["type"] for form in legacy["oneOf"]] == ["number", "string"]


def test_the_committed_postman_collection_is_current() -> None:
    committed = postman.COLLECTION.read_text()
    assert committed == postman.render(), "regenerate it with ./taskw docs"
