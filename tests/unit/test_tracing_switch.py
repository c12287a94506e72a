"""With tracing off, spans are one shared no-op and no trace context crosses a call; with it
on, spans record and the context travels."""

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tekana_common import tracing


def test_off_spans_record_nothing_and_carry_no_context() -> None:
    assert not tracing.ENABLED  # no OTEL_EXPORTER_OTLP_* endpoint in the test run
    with tracing.span("saga.apply", attributes={"tekana.transaction.id": "t"}) as span:
        span.set_attribute("tekana.error.code", "x")  # accepted and dropped
        assert not span.is_recording()
    metadata: dict[str, str] = {}
    tracing.inject(metadata)
    assert metadata == {}
    assert tracing.extract({"traceparent": f"00-{'1' * 32}-{'2' * 16}-01"}) is None


def test_on_spans_record_and_the_context_travels(monkeypatch: pytest.MonkeyPatch) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "ENABLED", True)
    monkeypatch.setattr(tracing, "tracer", lambda: provider.get_tracer("test"))
    parent = tracing.extract({"traceparent": f"00-{'1' * 32}-{'2' * 16}-01"})
    metadata: dict[str, str] = {}
    with tracing.span("saga.apply", parent=parent) as span:
        assert span.is_recording()
        tracing.inject(metadata)
    (finished,) = exporter.get_finished_spans()
    assert finished.name == "saga.apply"
    assert finished.context is not None
    assert format(finished.context.trace_id, "032x") == "1" * 32
    assert metadata["traceparent"].startswith(f"00-{'1' * 32}-")
