"""The per-process command capacity: admission, release, and how refusals are reported."""

from __future__ import annotations

from bot.slack.capacity import LOG_EVERY_S, CommandCapacity


def test_admits_up_to_the_limit_then_refuses_until_one_finishes() -> None:
    capacity = CommandCapacity(limit=3)
    assert [capacity.try_admit() for _ in range(4)] == [True, True, True, False]
    assert capacity.admitted == 3
    capacity.release()
    assert capacity.try_admit() and not capacity.try_admit()


def test_refusals_are_reported_at_most_once_per_period_with_their_count() -> None:
    capacity = CommandCapacity(limit=1)
    assert capacity.refusals_to_log(0.0) == 0  # nothing refused yet
    capacity.try_admit()
    for _ in range(5):
        capacity.try_admit()
    assert capacity.refusals_to_log(100.0) == 5
    capacity.try_admit()
    assert capacity.refusals_to_log(100.0 + LOG_EVERY_S / 2) == 0  # too soon: kept for later
    capacity.try_admit()
    assert capacity.refusals_to_log(100.0 + LOG_EVERY_S) == 2
