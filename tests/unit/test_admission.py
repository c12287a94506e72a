"""Admission (a gRPC server's calls, the request paths' database statements) goes through
``asyncio.Semaphore``: no more than the limit run at once, and waiters are admitted in
arrival order, even when a newcomer asks at the very moment a place frees up."""

import asyncio

import pytest


async def test_admits_waiters_in_arrival_order_without_overtaking() -> None:
    gate = asyncio.Semaphore(2)
    order: list[str] = []
    release = asyncio.Event()

    async def job(name: str) -> None:
        async with gate:
            order.append(name)
            await release.wait()

    first = [asyncio.create_task(job(n)) for n in ("a", "b", "c", "d")]
    await asyncio.sleep(0)
    assert order == ["a", "b"]
    release.set()
    # A newcomer arriving as the places free must queue behind c and d.
    late = asyncio.create_task(job("late"))
    await asyncio.gather(*first, late)
    assert order == ["a", "b", "c", "d", "late"]
    assert not gate.locked()


async def test_a_cancelled_waiter_gives_up_its_place() -> None:
    gate = asyncio.Semaphore(1)
    hold = asyncio.Event()
    admitted: list[str] = []

    async def holder() -> None:
        async with gate:
            await hold.wait()

    async def next_in_line() -> None:
        async with gate:
            admitted.append("next")

    running = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(gate.acquire())
    queued = asyncio.create_task(next_in_line())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    hold.set()
    await asyncio.gather(running, queued)
    # The cancelled waiter took no place: the one behind it got in, and all are free again.
    assert admitted == ["next"]
    assert not gate.locked()


async def test_never_runs_more_than_the_limit() -> None:
    gate = asyncio.Semaphore(3)
    running = peak = 0

    async def job() -> None:
        nonlocal running, peak
        async with gate:
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1

    await asyncio.gather(*(job() for _ in range(50)))
    assert peak == 3
    assert not gate.locked()
