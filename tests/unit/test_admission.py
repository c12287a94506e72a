"""Admission: no more than the limit run at once, and waiters are admitted in arrival order,
even when a newcomer asks at the very moment a place frees up."""

import asyncio

import pytest

from tekana_common.admission import FifoGate


async def test_admits_waiters_in_arrival_order_without_overtaking() -> None:
    gate = FifoGate(2)
    order: list[str] = []
    release = asyncio.Event()

    async def job(name: str) -> None:
        async with gate:
            order.append(name)
            await release.wait()

    first = [asyncio.create_task(job(n)) for n in ("a", "b", "c", "d")]
    await asyncio.sleep(0)
    assert (gate.running, gate.waiting) == (2, 2)
    release.set()
    # A newcomer arriving as the places free must queue behind c and d.
    late = asyncio.create_task(job("late"))
    await asyncio.gather(*first, late)
    assert order == ["a", "b", "c", "d", "late"]
    assert (gate.running, gate.waiting) == (0, 0)


async def test_a_cancelled_waiter_gives_up_its_place() -> None:
    gate = FifoGate(1)
    hold = asyncio.Event()

    async def holder() -> None:
        async with gate:
            await hold.wait()

    running = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(0)
    assert gate.waiting == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert gate.waiting == 0
    hold.set()
    await running
    assert gate.running == 0


async def test_never_runs_more_than_the_limit() -> None:
    gate = FifoGate(3)
    peak = 0

    async def job() -> None:
        nonlocal peak
        async with gate:
            peak = max(peak, gate.running)
            await asyncio.sleep(0.001)

    await asyncio.gather(*(job() for _ in range(50)))
    assert peak == 3
    assert gate.running == 0


def test_refuses_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FifoGate(0)
