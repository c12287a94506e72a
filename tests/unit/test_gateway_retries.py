"""Calls safe to repeat are tried again while the service is unavailable, and only then."""

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError

from tekana_gateway import retries


class Script:
    """A call that fails with each of ``failures`` in turn, then answers."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.tries = 0

    async def __call__(self) -> str:
        self.tries += 1
        if self.failures:
            raise self.failures.pop(0)
        return "answer"


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retries, "PAUSES_SECONDS", (0.0, 0.0, 0.0))


async def test_an_answer_at_once_is_not_a_retry() -> None:
    call = Script()
    assert await retries.again_if_unavailable(call) == ("answer", False)
    assert call.tries == 1


async def test_unavailable_and_broken_streams_are_tried_again() -> None:
    call = Script(
        GRPCError(Status.UNAVAILABLE, "stopping"), StreamTerminatedError("reset"), ConnectionError()
    )
    assert await retries.again_if_unavailable(call) == ("answer", True)
    assert call.tries == 4


async def test_an_answer_of_the_service_is_never_tried_again() -> None:
    call = Script(GRPCError(Status.FAILED_PRECONDITION, "insufficient funds"))
    with pytest.raises(GRPCError) as raised:
        await retries.again_if_unavailable(call)
    assert raised.value.status is Status.FAILED_PRECONDITION
    assert call.tries == 1


async def test_a_service_that_stays_unavailable_fails_after_the_last_try() -> None:
    call = Script(*[GRPCError(Status.UNAVAILABLE, "down")] * 10)
    with pytest.raises(GRPCError):
        await retries.read(call)
    assert call.tries == len(retries.PAUSES_SECONDS) + 1
