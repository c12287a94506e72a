"""One legacy transfer is one trace: gateway, transaction service, wallet service and SQL,
each span's parent in the same trace; a refused transfer's trace carries an error."""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.api import new_customer
from tests.support.database import drop_databases_like
from tests.support.otlp import ReceivedSpan, Receiver, otlp_receiver
from tests.support.platform import Platform, start_platform

SERVER, CLIENT = 2, 3  # OTLP span kinds


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with otlp_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def traced(receiver: Receiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    platform = start_platform(
        Path(tmp_path_factory.mktemp("traced")),
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY="100",
        OTEL_TRACES_SAMPLER="always_on",
    )
    yield platform
    platform.stop()
    asyncio.run(drop_databases_like(platform.database_prefix))


@pytest.fixture
async def api(traced: Platform) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=traced.base_url) as session:
        yield session


def traceparent() -> tuple[str, dict[str, str]]:
    """A trace id of the test's own, sent as the W3C header so the platform continues it."""
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    return trace_id, {"traceparent": f"00-{trace_id}-{parent}-01"}


def has_sql(span: ReceivedSpan) -> bool:
    return bool(span.attributes.get("db.system") or span.attributes.get("db.system.name"))


async def spans_of(receiver: Receiver, trace_id: str, need: set[str]) -> list[ReceivedSpan]:
    """The trace's spans, once every service in ``need`` reported and SQL was seen."""
    deadline = time.monotonic() + 20
    members: list[ReceivedSpan] = []
    while time.monotonic() < deadline:
        members = [s for s in receiver.snapshot() if s.trace_id == trace_id]
        if need <= {s.service for s in members} and any(has_sql(s) for s in members):
            return members
        await asyncio.sleep(0.2)
    raise AssertionError(f"incomplete trace: {[(s.service, s.name) for s in members]}")


async def test_a_legacy_transfer_is_one_trace_across_every_hop(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    ann = await new_customer(api)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 1_000)
    trace_id, header = traceparent()
    response = await api.post(
        "/transaction",
        json={"senderAcc": a, "receiverAcc": b, "amount": 2},
        headers={**ann.auth, **header},
    )
    assert (await response.json())["status"] == 200
    spans = await spans_of(receiver, trace_id, {"gateway", "svc-transaction", "svc-wallet"})
    by_id = {s.span_id: s for s in spans}
    (root,) = [s for s in spans if s.parent_id not in by_id]
    assert root.name == "POST /transaction"
    assert (root.service, root.kind) == ("gateway", SERVER)
    for span in spans:
        if span is not root:
            assert span.parent_id in by_id, f"{span.name} has a parent outside the trace"
    assert len({s.trace_id for s in spans}) == 1
    # The gateway groups transfers into CreateMovements calls; each transfer has its span,
    # named for its use-case.
    movements = next(
        s
        for s in spans
        if s.name.endswith("TransactionService/CreateMovements") and s.kind == SERVER
    )
    assert movements.service == "svc-transaction"
    assert by_id[movements.parent_id].kind == CLIENT
    assert by_id[movements.parent_id].service == "gateway"
    create = next(s for s in spans if s.name == "transaction.transfer")
    assert create.parent_id == movements.span_id
    apply = next(
        s for s in spans if s.name.endswith("WalletService/ApplyTransfers") and s.kind == SERVER
    )
    assert apply.service == "svc-wallet"
    ancestors = []
    cursor = apply
    while cursor.parent_id in by_id:
        cursor = by_id[cursor.parent_id]
        ancestors.append(cursor.name)
    assert create.name in ancestors
    sql_services = {s.service for s in spans if has_sql(s)}
    assert {"svc-transaction", "svc-wallet"} <= sql_services
    assert any(s.name == "saga.store_pending" for s in spans)


async def test_a_refused_transfer_has_an_error_span(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    ann = await new_customer(api)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    trace_id, header = traceparent()
    response = await api.post(
        "/transaction",
        json={"senderAcc": a, "receiverAcc": b, "amount": 5},
        headers={**ann.auth, **header},
    )
    assert (await response.json())["status"] == 409
    spans = await spans_of(receiver, trace_id, {"gateway", "svc-transaction", "svc-wallet"})
    failed = {s.name for s in spans if s.error}
    assert "saga.apply" in failed
    assert "transaction.transfer" in failed
