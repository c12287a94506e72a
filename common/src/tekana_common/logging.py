"""structlog setup: JSON lines, or a console view on a terminal; stdlib logs routed through it."""

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, Literal

import structlog
from opentelemetry import trace
from structlog.typing import EventDict, Processor, WrappedLogger

from tekana_common.context import request_id_var

# Values under these keys never reach a log line, whoever logs them.
_SECRET_KEYS = frozenset(
    {"password", "token", "authorization", "national_id", "private_key", "access_token"}
)


def _redact_secrets(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    for key in _SECRET_KEYS.intersection(event):
        event[key] = "[redacted]"
    return event


def _add_request_id(_: WrappedLogger, __: str, event: MutableMapping[str, Any]) -> EventDict:
    request_id = request_id_var.get()
    if request_id and "request_id" not in event:
        event["request_id"] = request_id
    return dict(event)


def _add_trace_ids(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event.setdefault("trace_id", format(span_context.trace_id, "032x"))
        event.setdefault("span_id", format(span_context.span_id, "016x"))
    return event


def _shared_processors(service: str) -> list[Processor]:
    def add_service(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event.setdefault("service", service)
        return event

    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_service,
        _add_request_id,
        _add_trace_ids,
        _redact_secrets,
    ]


def configure_logging(
    service: str, *, level: str = "INFO", fmt: Literal["auto", "json", "console"] = "auto"
) -> None:
    """Send structlog and stdlib logging to stderr through one renderer."""
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: Processor = (
        structlog.dev.ConsoleRenderer(colors=True)
        if use_console
        else structlog.processors.JSONRenderer()
    )
    shared = _shared_processors(service)
    structlog.configure(
        processors=[
            # First, so a line below the level costs a level check, not the whole chain.
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiohttp's own access log duplicates the gateway's one line per request.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
