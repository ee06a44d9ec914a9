"""The bounded per-process cache of fresh access tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store.fresh_tokens import FreshTokens

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_a_token_is_served_until_its_expiry_passes_the_asked_margin() -> None:
    cache = FreshTokens()
    cache.put(("T", "U"), 1, "tok", NOW + timedelta(minutes=10))
    assert cache.get(("T", "U"), valid_after=NOW + timedelta(minutes=5)) == "tok"
    assert cache.get(("T", "U"), valid_after=NOW + timedelta(minutes=10)) is None
    assert len(cache) == 0  # an expired entry is dropped, not kept


def test_forgetting_by_link_id_and_by_key() -> None:
    cache = FreshTokens()
    cache.put(("T", "A"), 1, "a", NOW + timedelta(hours=1))
    cache.put(("T", "B"), 2, "b", NOW + timedelta(hours=1))
    cache.forget_link(1)
    cache.forget(("T", "B"))
    cache.forget_link(99)  # unknown ids are fine
    assert cache.get(("T", "A"), valid_after=NOW) is None and cache.get(("T", "B"), valid_after=NOW) is None


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    cache = FreshTokens(max_entries=2)
    cache.put(("T", "A"), 1, "a", NOW + timedelta(hours=1))
    cache.put(("T", "B"), 2, "b", NOW + timedelta(hours=1))
    assert cache.get(("T", "A"), valid_after=NOW) == "a"  # A is now the most recent
    cache.put(("T", "C"), 3, "c", NOW + timedelta(hours=1))
    assert len(cache) == 2
    assert cache.get(("T", "B"), valid_after=NOW) is None
    assert cache.get(("T", "A"), valid_after=NOW) == "a" and cache.get(("T", "C"), valid_after=NOW) == "c"
    cache.forget_link(2)  # B's id was released with its entry: nothing else is touched
    assert len(cache) == 2


def test_a_replaced_entry_releases_its_old_link_id() -> None:
    cache = FreshTokens()
    cache.put(("T", "A"), 1, "old", NOW + timedelta(hours=1))
    cache.put(("T", "A"), 2, "new", NOW + timedelta(hours=1))
    cache.forget_link(1)
    assert cache.get(("T", "A"), valid_after=NOW) == "new"
