"""A process's own replay memory: every admitted signature held at least a window, in bounded space."""

from __future__ import annotations

import secrets
import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.recent_signatures import RecentSignatures

WINDOW = 300.0


def signature() -> str:
    return "v0=" + secrets.token_hex(32)


def test_a_signature_is_remembered_for_a_window_across_a_change_of_generation() -> None:
    memory = RecentSignatures(WINDOW, most=100_000)
    early, late = signature(), signature()
    assert not memory.seen_before(early, 0.0)
    assert not memory.seen_before(late, WINDOW - 1)
    assert not memory.seen_before(signature(), WINDOW)  # the first generation is a window old
    assert memory.seen_before(late, 2 * WINDOW - 2)  # held for a whole window after it came
    assert memory.seen_before(early, WINDOW + 1)


def test_what_is_two_windows_old_is_forgotten() -> None:
    memory = RecentSignatures(WINDOW, most=100_000)
    old = signature()
    assert not memory.seen_before(old, 0.0)
    assert not memory.seen_before(signature(), WINDOW)
    assert not memory.seen_before(signature(), 2 * WINDOW)
    assert len(memory) == 2
    # Slack's timestamp check turns such an old request away before it gets here; if one got
    # here anyway it would be taken as new, which is what the window promises and no more.
    assert not memory.seen_before(old, 2 * WINDOW + 1)


def test_the_cap_bounds_what_a_flood_leaves_behind_and_keeps_the_newest() -> None:
    memory = RecentSignatures(WINDOW, most=1_000)
    sent = [signature() for _ in range(10_000)]
    for one in sent:  # all in the same second
        assert not memory.seen_before(one, 0.0)
        assert len(memory) <= 1_000
    assert all(memory.seen_before(one, 1.0) for one in sent[-500:])


def test_an_entry_costs_a_fraction_of_the_old_dictionarys_206_bytes() -> None:
    keys = [signature() for _ in range(20_000)]
    tracemalloc.start()
    try:
        memory = RecentSignatures(WINDOW, most=100_000)
        before = tracemalloc.get_traced_memory()[0]
        for key in keys:
            memory.seen_before(key, 0.0)
        per_entry = (tracemalloc.get_traced_memory()[0] - before) / len(keys)
    finally:
        tracemalloc.stop()
    assert per_entry <= 40, per_entry  # a key in a table between a quarter and half full, and no more


@given(
    steps=st.lists(
        st.tuples(st.integers(min_value=0, max_value=30), st.floats(min_value=0, max_value=200)),
        max_size=200,
    )
)
def test_any_replay_inside_the_window_is_caught_and_anything_new_is_admitted(
    steps: list[tuple[int, float]],
) -> None:
    """Thirty signatures sent again and again as time moves on, under a roomy cap."""
    names = [signature() for _ in range(31)]
    memory = RecentSignatures(WINDOW, most=1_000)
    now, last_admitted = 0.0, dict[int, float]()
    for which, later in steps:
        now += later
        replay = memory.seen_before(names[which], now)
        admitted_at = last_admitted.get(which)
        if admitted_at is None:
            assert not replay  # never seen: always admitted
        elif now - admitted_at < WINDOW:
            assert replay  # seen inside the window: always caught
        if not replay:
            last_admitted[which] = now
