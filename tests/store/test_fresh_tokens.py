"""The bounded per-process cache of fresh access tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store.fresh_tokens import FreshTokens, LinkKey

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def put(cache: FreshTokens, key: LinkKey, link_id: int, token: str, expires_at: datetime) -> bool:
    """A put by a reader that read the row just now (nothing forgotten in between)."""
    return cache.put(key, link_id, token, expires_at, generation=cache.generation(key))


def test_a_token_is_served_until_its_expiry_passes_the_asked_margin() -> None:
    cache = FreshTokens()
    put(cache, ("T", "U"), 1, "tok", NOW + timedelta(minutes=10))
    assert cache.get(("T", "U"), valid_after=NOW + timedelta(minutes=5)) == "tok"
    assert cache.get(("T", "U"), valid_after=NOW + timedelta(minutes=10)) is None
    assert len(cache) == 0  # an expired entry is dropped, not kept


def test_forgetting_by_link_id_and_by_key() -> None:
    cache = FreshTokens()
    put(cache, ("T", "A"), 1, "a", NOW + timedelta(hours=1))
    put(cache, ("T", "B"), 2, "b", NOW + timedelta(hours=1))
    cache.forget_link(1)
    cache.forget(("T", "B"))
    cache.forget_link(99)  # unknown ids are fine
    assert cache.get(("T", "A"), valid_after=NOW) is None and cache.get(("T", "B"), valid_after=NOW) is None


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    cache = FreshTokens(max_entries=2)
    put(cache, ("T", "A"), 1, "a", NOW + timedelta(hours=1))
    put(cache, ("T", "B"), 2, "b", NOW + timedelta(hours=1))
    assert cache.get(("T", "A"), valid_after=NOW) == "a"  # A is now the most recent
    put(cache, ("T", "C"), 3, "c", NOW + timedelta(hours=1))
    assert len(cache) == 2
    assert cache.get(("T", "B"), valid_after=NOW) is None
    assert cache.get(("T", "A"), valid_after=NOW) == "a" and cache.get(("T", "C"), valid_after=NOW) == "c"
    cache.forget_link(2)  # B's id was released with its entry: nothing else is touched
    assert len(cache) == 2


def test_a_replaced_entry_releases_its_old_link_id() -> None:
    cache = FreshTokens()
    put(cache, ("T", "A"), 1, "old", NOW + timedelta(hours=1))
    put(cache, ("T", "A"), 2, "new", NOW + timedelta(hours=1))
    cache.forget_link(1)
    assert cache.get(("T", "A"), valid_after=NOW) == "new"


def test_a_put_read_before_a_forget_is_refused() -> None:
    cache = FreshTokens()
    key = ("T", "A")
    before_delete = cache.generation(key)  # the reader, before reading the row
    cache.forget(key)  # the link is deleted (nothing was cached)
    assert not cache.put(key, 1, "deleted", LATER, generation=before_delete)
    assert cache.get(key, valid_after=NOW) is None and len(cache) == 0
    assert put(cache, key, 2, "relinked", LATER)  # a read after the forget lands
    assert cache.get(key, valid_after=NOW) == "relinked"


def test_dropping_an_expired_entry_or_another_keys_forget_does_not_void_a_read() -> None:
    cache = FreshTokens()
    put(cache, ("T", "A"), 1, "old", NOW + timedelta(minutes=1))
    read_at = cache.generation(("T", "A"))
    assert cache.get(("T", "A"), valid_after=NOW + timedelta(minutes=5)) is None  # expired: dropped
    cache.forget(("T", "B"))
    assert cache.put(("T", "A"), 1, "refreshed", LATER, generation=read_at)


def test_generations_are_bounded_and_a_dropped_one_never_lets_a_stale_put_land() -> None:
    cache = FreshTokens(max_generations=3)
    key = ("T", "A")
    stale = cache.generation(key)
    cache.forget(key)
    for n in range(10):  # enough other forgets to push A's generation out
        cache.forget(("T", f"other{n}"))
    assert len(cache._generations) == 3
    assert not cache.put(key, 1, "deleted", LATER, generation=stale)
    # Readers after all that still land.
    assert put(cache, key, 2, "fresh", LATER)


def test_many_keys_keep_the_generation_map_at_its_bound() -> None:
    cache = FreshTokens(max_entries=5, max_generations=5)
    for n in range(1000):
        key = ("T", f"U{n}")
        assert put(cache, key, n, "tok", LATER)
        cache.forget(key)
    assert len(cache) == 0 and len(cache._generations) == 5


# -- a refresh saved by this process: its token as the successor of the one it retired -----------


def test_a_settled_refresh_is_the_successor_of_the_token_it_replaced_only() -> None:
    cache = FreshTokens()
    key = ("T", "A")
    put(cache, key, 1, "old", LATER)
    cache.forget(key)  # the refresh's write begins: the old token dies with it
    began = cache.generation(key)
    assert cache.settle(key, 1, "new", LATER, generation=began, replaces="old")
    assert cache.successor(key, "old", valid_after=NOW) == "new"
    assert cache.successor(key, "older", valid_after=NOW) is None  # refused long before: read the row
    assert cache.successor(key, "", valid_after=NOW) is None
    assert cache.get(key, valid_after=NOW) == "new"
    assert cache.successor(key, "old", valid_after=LATER) is None  # expired: not handed out


def test_a_refresh_settles_nothing_if_the_link_was_written_while_it_was_saved() -> None:
    cache = FreshTokens()
    key = ("T", "A")
    began = cache.generation(key)
    cache.forget(key)  # an unlink commits while the rotation is written
    assert not cache.settle(key, 1, "new", LATER, generation=began, replaces="old")
    assert cache.get(key, valid_after=NOW) is None and cache.successor(key, "old", valid_after=NOW) is None


def test_a_settle_refuses_every_put_read_before_it() -> None:
    cache = FreshTokens()
    key = ("T", "A")
    began = cache.generation(key)
    read_during_the_write = cache.generation(key)  # a reader that read the old row meanwhile
    assert cache.settle(key, 1, "new", LATER, generation=began, replaces="old")
    assert not cache.put(key, 1, "old", LATER, generation=read_during_the_write)
    assert cache.get(key, valid_after=NOW) == "new"


def test_a_refusal_drops_only_the_refused_token_and_leaves_a_refresh_free_to_settle() -> None:
    cache = FreshTokens()
    key = ("T", "A")
    began = cache.generation(key)
    cache.drop_if(key, "old")  # a late refusal while nothing is remembered: no generation moves
    assert cache.settle(key, 1, "new", LATER, generation=began, replaces="old")
    cache.drop_if(key, "old")  # the successor stays
    assert cache.get(key, valid_after=NOW) == "new"
    cache.drop_if(key, "new")  # the remembered token itself refused: gone, reads refused
    assert cache.get(key, valid_after=NOW) is None
    assert not cache.put(key, 1, "new", LATER, generation=began)
