"""The rate governor on a manual clock: shares, waits, refusals, background yielding, labels."""

from __future__ import annotations

import asyncio

import pytest

from bot.zoom.errors import ZoomError, ZoomErrorKind
from bot.zoom.rate_governor import SWEEP_AT, RateGovernor, background, rate_label


class Clock:
    """Monotonic time that moves only when the governor sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self.late = 0.0  # the next sleeper wakes this much late, as on a busy event loop

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds + self.late
        self.late = 0.0


def governor(clock: Clock, plan: str = "pro", **options: float) -> RateGovernor:
    return RateGovernor(plan, monotonic=clock.monotonic, sleep=clock.sleep, **options)  # type: ignore[arg-type]


async def test_calls_within_the_share_go_at_once_and_the_next_waits_for_the_window() -> None:
    clock = Clock()
    g = governor(clock)
    limit, span = g.share("Medium")
    assert limit == 18 and span == pytest.approx(1.05)  # Pro Medium 20/s, a tenth kept in hand
    for _ in range(limit):
        await g.acquire("acct", "Medium", "list meetings")
    assert clock.slept == []
    await g.acquire("acct", "Medium", "list meetings")
    assert clock.slept == [pytest.approx(1.05)]  # until the first call leaves the window
    assert g.waited == 1


async def test_calls_woken_late_do_not_reach_zoom_bunched_with_the_next_window() -> None:
    clock = Clock()
    g = governor(clock)
    limit, span = g.share("Medium")
    left: list[float] = []
    for n in range(3 * limit):
        if n == limit:
            clock.late = 0.35  # the second window's first call wakes 0.35 s late; those after it go with it
        await g.acquire("acct", "Medium", "list meetings")
        left.append(clock.now)
    # The third window's calls were reserved on time, 1.05 s after the second's reservations,
    # but only 0.70 s after the second window really left: they are held until it ages out.
    assert g.held >= 1
    assert left[2 * limit] == pytest.approx(left[limit] + span)
    # However the calls were woken, no window of Zoom's length saw more than the share.
    assert max(sum(1 for u in left if t - span < u <= t) for t in left) == limit


async def test_accounts_and_labels_have_windows_of_their_own() -> None:
    clock = Clock()
    g = governor(clock)
    for _ in range(g.share("Medium")[0]):
        await g.acquire("acct", "Medium", "list")
    await g.acquire("other", "Medium", "list")
    await g.acquire("acct", "Light", "get")
    assert clock.slept == []


async def test_a_command_that_would_wait_too_long_is_told_when_to_retry_without_calling() -> None:
    clock = Clock()
    g = governor(clock, command_wait=3.0)
    limit = g.share("Heavy")[0]  # Pro Heavy 10/s → 9
    for _ in range(4 * limit):  # fills this second and reserves the next three
        await g.acquire("acct", "Heavy", "report")
    clock.now -= sum(clock.slept)  # as if those callers were all still waiting
    with pytest.raises(ZoomError) as raised:
        await g.acquire("acct", "Heavy", "read the report")
    error = raised.value
    assert error.kind is ZoomErrorKind.RATE_LIMITED and error.status is None
    assert error.retry_after is not None and 3 <= error.retry_after <= 5
    assert error.details["paced"] == "yes" and error.details["rate_category"] == "Heavy"
    assert g.refused == 1


async def test_processes_split_the_limit() -> None:
    g = governor(Clock(), "business")
    assert g.share("Light")[0] == 72  # 80 × 0.9
    g.processes = 3
    assert g.share("Light")[0] == 24
    assert g.share("Resource-intensive") == (6, pytest.approx(63.0))  # 20 a minute ÷ 3
    g.processes = 500
    assert g.share("Light")[0] == 1  # never nothing


async def test_background_work_takes_two_thirds_of_a_window_and_never_queues_ahead_of_commands() -> None:
    clock = Clock()
    g = governor(clock)
    limit = g.share("Light")[0]  # 27
    with background():
        for _ in range(limit * 2 // 3):
            await g.acquire("acct", "Light", "digest")
    assert clock.slept == []
    # Its part is spent: the next background call waits, while a command still goes at once.
    waiting = asyncio.ensure_future(_in_background(g))
    await asyncio.sleep(0)
    await g.acquire("acct", "Light", "command")
    await waiting
    assert clock.slept and clock.slept[0] > 0
    assert g.waited >= 1


async def _in_background(g: RateGovernor) -> None:
    with background():
        await g.acquire("acct", "Light", "digest")


async def test_background_gives_up_after_its_bound() -> None:
    clock = Clock()
    g = governor(clock, background_wait=1.0)
    for _ in range(3 * g.share("Heavy")[0]):  # commands reserve the next two seconds
        await g.acquire("acct", "Heavy", "command")
    clock.now -= sum(clock.slept)  # as if those commands were all still waiting
    with background(), pytest.raises(ZoomError) as raised:
        await g.acquire("acct", "Heavy", "digest")
    assert raised.value.kind is ZoomErrorKind.RATE_LIMITED


@pytest.mark.parametrize(
    ("method", "path", "label"),
    [
        ("GET", "/users/{userId}/meetings", "Medium"),
        ("POST", "/users/{userId}/meetings", "Light"),
        ("GET", "/meetings/{meetingId}", "Light"),
        ("GET", "/users", "Medium"),
        ("GET", "/users/{userId}", "Light"),
        ("GET", "/past_meetings/{meetingId}/participants", "Medium"),
        ("GET", "/report/daily", "Heavy"),
        ("GET", "/report/meetings/{meetingId}/participants", "Heavy"),
        ("GET", "/metrics/meetings", "Resource-intensive"),
        ("DELETE", "/meetings/{meetingUUID}/recordings", "Light"),
        ("GET", "/users/{userId}/recordings", "Medium"),
    ],
)
def test_rate_labels_follow_zooms_reference(method: str, path: str, label: str) -> None:
    assert rate_label(method, path) == label


def test_an_unknown_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="plan"):
        RateGovernor("enterprise-plus")


async def test_idle_windows_are_swept_once_there_are_many() -> None:
    clock = Clock()
    g = governor(clock)
    for n in range(SWEEP_AT):
        await g.acquire(f"account-{n}", "Light", "get")
    clock.now += 120  # every one of them idle for two minutes
    await g.acquire("one-more", "Light", "get")
    assert len(g._windows) == 1  # noqa: SLF001 - the memory bound is what is tested
