"""Group commit: callers that arrive while a batch is out leave together in the next one,
each gets its own answer, and a failure reaches exactly the callers it concerns."""

import asyncio

import pytest
from prometheus_client import REGISTRY

from tekana_common.batching import Batcher


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()

    async def run(self, batch: list[int]) -> list[int | Exception]:
        self.batches.append(batch)
        await self.release.wait()
        return [ValueError(f"odd {n}") if n % 2 else n * 10 for n in batch]


async def test_a_lone_item_leaves_at_once() -> None:
    recorder = Recorder()
    recorder.release.set()
    batcher = Batcher(recorder.run, name="test", max_in_flight=1)
    assert await batcher.submit(4) == 40
    assert recorder.batches == [[4]]


async def test_items_arriving_meanwhile_leave_together_each_with_its_answer() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run, name="test", max_in_flight=1)
    first = asyncio.create_task(batcher.submit(2))
    await asyncio.sleep(0)
    later = [asyncio.create_task(batcher.submit(n)) for n in (4, 5, 6)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert recorder.batches == [[2]]
    recorder.release.set()
    assert await first == 20
    results = await asyncio.gather(*later, return_exceptions=True)
    assert recorder.batches == [[2], [4, 5, 6]]
    assert results[0] == 40
    assert isinstance(results[1], ValueError)
    assert results[2] == 60


async def test_items_submitted_in_one_loop_turn_to_an_idle_batcher_leave_together() -> None:
    recorder = Recorder()
    recorder.release.set()
    batcher = Batcher(recorder.run, name="test", max_in_flight=1)
    # As when one batch answers its callers together and each goes on to the next stage.
    assert await asyncio.gather(*(batcher.submit(n) for n in (2, 4, 6))) == [20, 40, 60]
    assert recorder.batches == [[2, 4, 6]]


async def test_batches_are_no_larger_than_the_limit() -> None:
    recorder = Recorder()
    recorder.release.set()
    batcher = Batcher(recorder.run, name="test", max_size=2, max_in_flight=1)
    assert await asyncio.gather(*(batcher.submit(n) for n in (2, 4, 6, 8, 10))) == [
        20,
        40,
        60,
        80,
        100,
    ]
    assert all(len(batch) <= 2 for batch in recorder.batches)


async def test_a_failed_batch_fails_all_of_its_callers_and_not_the_next() -> None:
    calls = 0

    async def flaky(batch: list[int]) -> list[int | Exception]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("lost")
        return list(batch)

    batcher = Batcher(flaky, name="test", max_in_flight=1)
    with pytest.raises(ConnectionError):
        await batcher.submit(1)
    assert await batcher.submit(2) == 2


async def test_a_cancelled_caller_does_not_disturb_the_others() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run, name="test", max_in_flight=1)
    blocker = asyncio.create_task(batcher.submit(2))
    await asyncio.sleep(0)
    gone = asyncio.create_task(batcher.submit(4))
    kept = asyncio.create_task(batcher.submit(6))
    await asyncio.sleep(0)
    gone.cancel()
    recorder.release.set()
    assert await blocker == 20
    assert await kept == 60
    assert gone.cancelled()


def _sample(name: str, batch: str) -> float:
    value = REGISTRY.get_sample_value(name, {"batch": batch})
    return value if value is not None else 0.0


async def test_waits_and_batch_times_are_measured() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run, name="timed", max_in_flight=1)
    first = asyncio.create_task(batcher.submit(2))
    await asyncio.sleep(0)
    second = asyncio.create_task(batcher.submit(4))  # queued behind the first batch
    await asyncio.sleep(0.05)
    recorder.release.set()
    assert [await first, await second] == [20, 40]
    assert _sample("tekana_batch_seconds_count", "timed") == 2
    # The first batch was held for 50 ms, and the second item waited all that time.
    assert _sample("tekana_batch_seconds_sum", "timed") >= 0.05
    assert _sample("tekana_batch_wait_seconds_count", "timed") == 2
    assert _sample("tekana_batch_wait_seconds_sum", "timed") >= 0.05
