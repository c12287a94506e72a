"""A Postman collection for /v1, generated from the gateway's OpenAPI document."""

import json
from pathlib import Path
from typing import Any

from tekana_devstack.jwt_keys import generate_key_pair
from tekana_devstack.paths import REPO_ROOT
from tekana_gateway.app import create_app
from tekana_gateway.openapi import serve
from tekana_gateway.settings import GatewaySettings

COLLECTION = REPO_ROOT / "docs" / "postman" / "tekana-v1.postman_collection.json"
POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def gateway_spec() -> dict[str, Any]:
    """The OpenAPI document of a gateway built with a throw-away verification key."""
    _, public_pem = generate_key_pair()
    app = create_app(GatewaySettings(jwt_public_key=public_pem.decode()))
    return serve.spec_of(app)


def collection(spec: dict[str, Any]) -> dict[str, Any]:
    folders: dict[str, list[dict[str, Any]]] = {}
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            folders.setdefault(operation["tags"][0], []).append(
                _request(spec, path, method, operation)
            )
    return {
        "info": {
            "name": "Tekana API v1",
            "description": "Generated from /openapi.json by `./taskw docs`; do not edit.",
            "schema": POSTMAN_SCHEMA,
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
        "variable": [
            {"key": "baseUrl", "value": "http://127.0.0.1:3000"},
            {"key": "token", "value": ""},
        ],
        "item": [{"name": name, "item": items} for name, items in folders.items()],
    }


def _request(
    spec: dict[str, Any], path: str, method: str, operation: dict[str, Any]
) -> dict[str, Any]:
    segments = [s.replace("{", ":").replace("}", "") for s in path.strip("/").split("/")]
    params = operation.get("parameters", [])
    request: dict[str, Any] = {
        "method": method.upper(),
        "header": [
            {"key": "Idempotency-Key", "value": "{{$guid}}"}
            for p in params
            if p["name"] == "Idempotency-Key"
        ],
        "url": {
            "raw": "{{baseUrl}}/" + "/".join(segments),
            "host": ["{{baseUrl}}"],
            "path": segments,
            "variable": [
                {"key": p["name"], "value": str(p["schema"].get("example", ""))}
                for p in params
                if p["in"] == "path"
            ],
        },
    }
    if not operation.get("security"):
        request["auth"] = {"type": "noauth"}
    body = operation.get("requestBody")
    if body is not None:
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        example = spec["components"]["schemas"][ref].get("examples", [{}])[0]
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {"mode": "raw", "raw": json.dumps(example, indent=2)}
    return {"name": operation["summary"], "request": request}


def render() -> str:
    return json.dumps(collection(gateway_spec()), indent=2) + "\n"


def write(target: Path = COLLECTION) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render())
