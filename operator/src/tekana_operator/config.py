"""The shared settings ConfigMap, the Secret of internal credentials, and the OpenTelemetry
Collector deployed when tracing is on and no endpoint is given."""

import base64
import json
import os
from typing import Any

from tekana_operator.meta import labels, metadata, selector
from tekana_operator.network import OTLP_GRPC, OTLP_HTTP
from tekana_operator.stack import Stack
from tekana_operator.workloads import SECURITY_CONTEXT

COLLECTOR_IMAGE = "otel/opentelemetry-collector:0.116.1"

COLLECTOR_CONFIG = f"""receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:{OTLP_GRPC}
      http:
        endpoint: 0.0.0.0:{OTLP_HTTP}
processors:
  batch: {{}}
exporters:
  debug:
    verbosity: basic
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
"""


def tracing_endpoint(stack: Stack) -> str:
    if stack.tracing.otlp_endpoint:
        return stack.tracing.otlp_endpoint
    return f"http://{stack.child('otel-collector')}:{OTLP_HTTP}"


def config_map(stack: Stack) -> dict[str, Any]:
    data = {
        "TEKANA_LOG_FORMAT": "json",
        "OTEL_SDK_DISABLED": "false" if stack.tracing.enabled else "true",
    }
    if stack.tracing.enabled:
        data |= {
            "OTEL_EXPORTER_OTLP_ENDPOINT": tracing_endpoint(stack),
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": str(stack.tracing.sampling_ratio),
        }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(stack, stack.child("config")),
        "data": data,
    }


def internal_secret(
    stack: Stack, *, token: str, private_key_pem: str, public_key_pem: str
) -> dict[str, Any]:
    """Made once, like the database secret: tokens and keys are not rotated by a reconcile."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(stack, stack.child("internal")),
        "type": "Opaque",
        "stringData": {
            "internal-token": token,
            "jwt-private-key": private_key_pem,
            "jwt-public-key": public_key_pem,
        },
    }


NATIONAL_ID_KEYS = "national-id-keys"


def national_id_keys_secret(stack: Stack, keys_json: str) -> dict[str, Any]:
    """The customer service's keys for sealing national ids (made once; rotating is adding
    a version to it, then ``python -m tekana_customer reencrypt-national-ids``)."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(stack, stack.child(NATIONAL_ID_KEYS)),
        "type": "Opaque",
        "stringData": {"keys": keys_json},
    }


def new_national_id_keys() -> str:
    """One fresh AES-256 key as version 1, in the format the customer service reads."""
    return json.dumps({"1": base64.b64encode(os.urandom(32)).decode()})


def collector(stack: Stack) -> list[dict[str, Any]]:
    name = stack.child("otel-collector")
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(stack, name, "otel-collector"),
            "data": {"config.yaml": COLLECTOR_CONFIG},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata(stack, name, "otel-collector"),
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": selector(stack, "otel-collector")},
                "template": {
                    "metadata": {"labels": labels(stack, "otel-collector")},
                    "spec": {
                        "automountServiceAccountToken": False,
                        "containers": [
                            {
                                "name": "collector",
                                "image": COLLECTOR_IMAGE,
                                "args": ["--config=/conf/config.yaml"],
                                "ports": [
                                    {
                                        "name": "otlp-grpc",
                                        "containerPort": OTLP_GRPC,
                                        "protocol": "TCP",
                                    },
                                    {
                                        "name": "otlp-http",
                                        "containerPort": OTLP_HTTP,
                                        "protocol": "TCP",
                                    },
                                ],
                                "resources": {
                                    "requests": {"cpu": "50m", "memory": "64Mi"},
                                    "limits": {"cpu": "500m", "memory": "256Mi"},
                                },
                                "securityContext": SECURITY_CONTEXT,
                                "volumeMounts": [{"name": "config", "mountPath": "/conf"}],
                            }
                        ],
                        "volumes": [{"name": "config", "configMap": {"name": name}}],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata(stack, name, "otel-collector"),
            "spec": {
                "selector": selector(stack, "otel-collector"),
                "ports": [
                    {
                        "name": "otlp-grpc",
                        "port": OTLP_GRPC,
                        "targetPort": "otlp-grpc",
                        "protocol": "TCP",
                    },
                    {
                        "name": "otlp-http",
                        "port": OTLP_HTTP,
                        "targetPort": "otlp-http",
                        "protocol": "TCP",
                    },
                ],
            },
        },
    ]
