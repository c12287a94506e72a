"""OpenTelemetry tracing, configured by the standard ``OTEL_*`` variables.

Whether a process traces is fixed when it starts: with no exporter endpoint in its
environment ``ENABLED`` is False, ``span`` hands out one shared non-recording span, and no
trace context is read or written (the API's own no-op tracer cost a measurable share of a
transfer's CPU; ``./taskw bench:tracing`` measures what is left). With an endpoint, spans
go out over OTLP/HTTP and SQL statements (asyncpg) are traced too. grpclib has no
instrumentation package: the W3C ``traceparent`` is carried in gRPC metadata by hand.
"""

import atexit
import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Final

from opentelemetry import context, propagate, trace
from opentelemetry.trace import INVALID_SPAN, Span, SpanKind, Status, StatusCode
from opentelemetry.util.types import AttributeValue

TRACER_NAME = "tekana"


def _endpoint_configured() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


# Read once from the environment: a check per span of the SDK's global provider costs more
# than the no-op span it would choose.
ENABLED: Final = _endpoint_configured()


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


class _NoSpan(AbstractContextManager[Span]):
    def __enter__(self) -> Span:
        return INVALID_SPAN  # takes attributes and statuses, and drops them

    def __exit__(self, *exc_info: object) -> None:
        return None


_NO_SPAN = _NoSpan()


def span(
    name: str,
    *,
    parent: context.Context | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, AttributeValue] | None = None,
) -> AbstractContextManager[Span]:
    """A span current while the block runs, or, with tracing off, a shared no-op one."""
    if not ENABLED:
        return _NO_SPAN
    return tracer().start_as_current_span(name, context=parent, kind=kind, attributes=attributes)


def configure_tracing(service: str) -> bool:
    """Install the SDK if ``OTEL_EXPORTER_OTLP[_TRACES]_ENDPOINT`` is set; True if it was."""
    if not ENABLED:
        return False
    # Imported here so a process without tracing never loads the SDK.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service)})
    provider = TracerProvider(resource=resource)  # the sampler comes from OTEL_TRACES_SAMPLER
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument()
    atexit.register(provider.shutdown)
    return True


def inject(metadata: Any) -> None:
    """Put the current trace context into outgoing gRPC metadata (with tracing on)."""
    if ENABLED:
        propagate.inject(metadata)


def extract(metadata: Any) -> context.Context | None:
    """The caller's trace context, with tracing on: without it no span would use it."""
    return propagate.extract(metadata) if ENABLED else None


def rpc_attributes(method_name: str) -> dict[str, str]:
    service, _, method = method_name.strip("/").rpartition("/")
    return {"rpc.system": "grpc", "rpc.service": service, "rpc.method": method}


def mark_failed(span: Span, error: BaseException, code: str = "") -> None:
    span.set_status(Status(StatusCode.ERROR, code or type(error).__name__))
    if code:
        span.set_attribute("tekana.error.code", code)


class TracedStream:
    """Wraps a grpclib client stream in a CLIENT span, current while the call runs, so the
    ``SendRequest`` listener puts its context into the call's metadata."""

    def __init__(self, stream: Any, method_name: str) -> None:
        self._stream = stream
        self._span = tracer().start_span(
            method_name, kind=SpanKind.CLIENT, attributes=rpc_attributes(method_name)
        )
        self._token = context.attach(trace.set_span_in_context(self._span))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    async def __aenter__(self) -> Any:
        try:
            await self._stream.__aenter__()
        except BaseException as exc:
            # No __aexit__ follows a failed __aenter__: end the span and restore the context.
            self._finish(exc)
            raise
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        try:
            return bool(await self._stream.__aexit__(kind, error, traceback))
        finally:
            self._finish(error)

    def _finish(self, error: BaseException | None) -> None:
        if error is not None:
            status = getattr(error, "status", None)
            if status is not None:
                self._span.set_attribute("rpc.grpc.status_code", int(status.value))
            mark_failed(self._span, error)
        context.detach(self._token)
        self._span.end()
