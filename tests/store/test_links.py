"""LinkStore on SQLite and PostgreSQL: linking, conflicts, the refresh lease and compare-and-set writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import StatementError

from bot.store.db import Database
from bot.store.links import LinkConflictError, LinkRecord, LinkStore
from bot.store.vault import TokenVault

NOW = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def links(db: Database, vault: TokenVault) -> LinkStore:
    return LinkStore(db, vault)


@pytest.fixture
async def other_process(db_url: str) -> AsyncIterator[Database]:
    """A second Database on the same database: what another bot process would see."""
    database = Database.from_url(db_url)
    yield database
    await database.dispose()


async def link(links: LinkStore, user: str = "U1", zoom_user: str = "zu1", **overrides: object) -> LinkRecord:
    values: dict[str, object] = {
        "zoom_user_id": zoom_user,
        "zoom_email": f"{user.lower()}@example.com",
        "zoom_account_id": "acc1",
        "scopes": ("meeting:read", "meeting:write"),
        "access_token": f"access-{user}",
        "refresh_token": f"refresh-{user}",
        "access_expires_at": NOW + timedelta(hours=1),
    }
    values.update(overrides)
    return await links.save_new_link("T1", user, **values)  # type: ignore[arg-type]


async def test_save_and_get(links: LinkStore) -> None:
    saved = await link(links, api_url="https://api.example.test/v2")
    got = await links.get("T1", "U1")
    assert got == saved
    assert got is not None
    assert (got.team_id, got.user_id, got.zoom_user_id, got.zoom_email) == (
        "T1",
        "U1",
        "zu1",
        "u1@example.com",
    )
    assert got.scopes == ("meeting:read", "meeting:write")
    assert (got.access_token, got.refresh_token) == ("access-U1", "refresh-U1")
    assert got.access_expires_at == NOW + timedelta(hours=1)
    assert got.access_expires_at.tzinfo is not None
    assert (got.status, got.api_url) == ("active", "https://api.example.test/v2")
    assert await links.get_by_id(saved.id) == saved
    assert await links.find_by_zoom_user("zu1") == [saved]
    assert await links.get("T1", "U2") is None
    assert await links.get_by_id(saved.id + 1000) is None
    assert await links.find_by_zoom_user("nobody") == []


async def test_repr_hides_tokens(links: LinkStore) -> None:
    saved = await link(links)
    assert "access-U1" not in repr(saved) and "refresh-U1" not in repr(saved)


async def test_relinking_replaces_in_place_and_bumps_version(links: LinkStore) -> None:
    first = await link(links)
    again = await link(links, zoom_user="zu9", access_token="access-new", refresh_token="refresh-new")
    assert again.id == first.id
    assert again.version == first.version + 1
    assert (again.zoom_user_id, again.access_token, again.refresh_token) == (
        "zu9",
        "access-new",
        "refresh-new",
    )
    assert await links.find_by_zoom_user("zu1") == []
    # A refresh that started before the relink must not overwrite the new tokens.
    assert not await links.save_refreshed(
        first.id,
        expected_version=first.version,
        lease_owner="p1",
        access_token="stale",
        refresh_token="stale",
        access_expires_at=NOW,
        scopes=None,
    )
    current = await links.get("T1", "U1")
    assert current is not None and current.refresh_token == "refresh-new"


async def test_relinking_the_same_zoom_user_is_not_a_conflict(links: LinkStore) -> None:
    await link(links)
    again = await link(links, access_token="access-2")
    assert again.access_token == "access-2"


async def test_zoom_user_linked_to_another_slack_user_is_refused(links: LinkStore) -> None:
    await link(links, user="U1", zoom_user="zu1")
    with pytest.raises(LinkConflictError):
        await link(links, user="U2", zoom_user="zu1")
    assert await links.get("T1", "U2") is None
    # The refused attempt left U2's existing link (to another Zoom user) untouched too.
    await link(links, user="U2", zoom_user="zu2")
    with pytest.raises(LinkConflictError):
        await link(links, user="U2", zoom_user="zu1")
    kept = await links.get("T1", "U2")
    assert kept is not None and kept.zoom_user_id == "zu2"


async def test_simultaneous_links_of_one_zoom_user_let_exactly_one_win(
    links: LinkStore, other_process: Database, vault: TokenVault
) -> None:
    rival = LinkStore(other_process, vault)
    outcomes = await asyncio.gather(
        link(links, user="U1", zoom_user="zu1"),
        link(rival, user="U2", zoom_user="zu1"),
        return_exceptions=True,
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LinkConflictError", "LinkRecord"]
    assert len(await links.find_by_zoom_user("zu1")) == 1


async def test_simultaneous_first_links_of_one_slack_user_both_succeed(
    links: LinkStore, other_process: Database, vault: TokenVault
) -> None:
    rival = LinkStore(other_process, vault)
    first, second = await asyncio.gather(link(links, access_token="a1"), link(rival, access_token="a2"))
    assert first.id == second.id
    stored = await links.get("T1", "U1")
    assert stored is not None and stored.access_token in ("a1", "a2")


async def test_refresh_lease_is_exclusive_across_processes(
    links: LinkStore, other_process: Database, vault: TokenVault
) -> None:
    saved = await link(links)
    stores = [links, LinkStore(other_process, vault)]
    results = await asyncio.gather(
        *(stores[i % 2].try_acquire_refresh_lease(saved.id, f"owner-{i}", 30, NOW) for i in range(10))
    )
    assert results.count(True) == 1
    # Not re-entrant: even the holder cannot take it again while it is live.
    winner = f"owner-{results.index(True)}"
    assert not await links.try_acquire_refresh_lease(saved.id, winner, 30, NOW + timedelta(seconds=29))


async def test_expired_lease_can_be_taken_over(links: LinkStore) -> None:
    saved = await link(links)
    assert await links.try_acquire_refresh_lease(saved.id, "crashed", 30, NOW)
    assert not await links.try_acquire_refresh_lease(saved.id, "p2", 30, NOW + timedelta(seconds=29))
    assert await links.try_acquire_refresh_lease(saved.id, "p2", 30, NOW + timedelta(seconds=30))
    # The crashed owner's late release must not free p2's lease.
    await links.release_lease(saved.id, "crashed")
    assert not await links.try_acquire_refresh_lease(saved.id, "p3", 30, NOW + timedelta(seconds=31))
    await links.release_lease(saved.id, "p2")
    assert await links.try_acquire_refresh_lease(saved.id, "p3", 30, NOW + timedelta(seconds=31))


async def test_lease_on_missing_link_is_refused(links: LinkStore) -> None:
    assert not await links.try_acquire_refresh_lease(12345, "p1", 30, NOW)


async def test_save_refreshed_compare_and_set(links: LinkStore) -> None:
    saved = await link(links)
    assert await links.try_acquire_refresh_lease(saved.id, "p1", 30, NOW)
    assert await links.save_refreshed(
        saved.id,
        expected_version=saved.version,
        lease_owner="p1",
        access_token="access-2",
        refresh_token="refresh-2",
        access_expires_at=NOW + timedelta(hours=2),
        scopes=("meeting:read",),
    )
    fresh = await links.get("T1", "U1")
    assert fresh is not None
    assert fresh.version == saved.version + 1
    assert (fresh.access_token, fresh.refresh_token, fresh.scopes) == (
        "access-2",
        "refresh-2",
        ("meeting:read",),
    )
    assert fresh.access_expires_at == NOW + timedelta(hours=2)
    # The lease was ours, so it is free again.
    assert await links.try_acquire_refresh_lease(saved.id, "p2", 30, NOW)

    # A writer holding the old version loses and changes nothing.
    assert not await links.save_refreshed(
        saved.id,
        expected_version=saved.version,
        lease_owner="p2",
        access_token="stale",
        refresh_token="stale",
        access_expires_at=NOW,
        scopes=None,
    )
    assert await links.get("T1", "U1") == fresh


async def test_save_refreshed_keeps_scopes_when_none_and_keeps_others_lease(links: LinkStore) -> None:
    saved = await link(links)
    assert await links.try_acquire_refresh_lease(saved.id, "other", 30, NOW)
    # Our lease ran out and "other" holds one now; the rotated token must still be kept.
    assert await links.save_refreshed(
        saved.id,
        expected_version=saved.version,
        lease_owner="me",
        access_token="access-2",
        refresh_token="refresh-2",
        access_expires_at=NOW + timedelta(hours=1),
        scopes=None,
    )
    fresh = await links.get("T1", "U1")
    assert fresh is not None and fresh.scopes == saved.scopes and fresh.refresh_token == "refresh-2"
    assert not await links.try_acquire_refresh_lease(saved.id, "third", 30, NOW + timedelta(seconds=1))


async def test_save_refreshed_on_deleted_link_returns_false(links: LinkStore) -> None:
    saved = await link(links)
    await links.delete("T1", "U1")
    assert not await links.save_refreshed(
        saved.id,
        expected_version=saved.version,
        lease_owner="p1",
        access_token="a",
        refresh_token="r",
        access_expires_at=NOW,
        scopes=None,
    )


async def test_mark_needs_reauth_only_for_the_version_read(links: LinkStore) -> None:
    saved = await link(links)
    assert await links.save_refreshed(
        saved.id,
        expected_version=saved.version,
        lease_owner="p1",
        access_token="access-2",
        refresh_token="refresh-2",
        access_expires_at=NOW + timedelta(hours=1),
        scopes=None,
    )
    # A stale invalid_grant (for the token before the refresh) must not clobber the new one.
    assert not await links.mark_needs_reauth(saved.id, expected_version=saved.version)
    current = await links.get("T1", "U1")
    assert current is not None and current.status == "active" and current.refresh_token == "refresh-2"

    assert await links.mark_needs_reauth(saved.id, expected_version=current.version)
    flagged = await links.get("T1", "U1")
    assert flagged is not None and flagged.status == "needs_reauth"
    # Relinking makes it active again.
    relinked = await link(links)
    assert relinked.status == "active"


async def test_delete_returns_what_was_removed(links: LinkStore) -> None:
    saved = await link(links)
    removed = await links.delete("T1", "U1")
    assert removed == saved
    assert await links.get("T1", "U1") is None
    assert await links.delete("T1", "U1") is None


async def test_delete_by_zoom_user(links: LinkStore) -> None:
    mine = await link(links, user="U1", zoom_user="zu1")
    theirs = await link(links, user="U2", zoom_user="zu2")
    assert await links.delete_by_zoom_user("zu1") == [mine]
    assert await links.delete_by_zoom_user("zu1") == []
    assert await links.get("T1", "U2") == theirs


async def test_concurrent_deletes_report_the_link_once(
    links: LinkStore, other_process: Database, vault: TokenVault
) -> None:
    await link(links)
    results = await asyncio.gather(
        links.delete("T1", "U1"), LinkStore(other_process, vault).delete("T1", "U1")
    )
    assert sum(result is not None for result in results) == 1


async def test_tokens_are_stored_encrypted(links: LinkStore, db: Database) -> None:
    await link(links, access_token="canary-access-71d2", refresh_token="canary-refresh-71d2")
    async with db.session() as session:
        row = (
            await session.execute(text("SELECT access_token_enc, refresh_token_enc FROM zoom_links"))
        ).one()
    assert "canary" not in row[0] and "canary" not in row[1]


async def test_naive_datetimes_are_refused(links: LinkStore) -> None:
    saved = await link(links)
    with pytest.raises(StatementError, match="naive"):
        await links.try_acquire_refresh_lease(saved.id, "p1", 30, datetime(2030, 1, 1))  # noqa: DTZ001


async def test_lease_is_a_conditional_update_not_a_row_lock(links: LinkStore, db: Database) -> None:
    # R2: SQLite silently drops FOR UPDATE, so exclusivity must come from the UPDATE's own WHERE.
    saved = await link(links)
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await links.try_acquire_refresh_lease(saved.id, "p1", 30, NOW)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    sql = [s for s in statements if not s.upper().startswith(("BEGIN", "COMMIT", "SELECT 1", "SAVEPOINT"))]
    assert len(sql) == 1 and sql[0].startswith("UPDATE zoom_links SET refresh_lease_owner")
    assert "refresh_lease_until IS NULL OR zoom_links.refresh_lease_until <=" in sql[0]
    assert all("FOR UPDATE" not in statement.upper() for statement in statements)


# -- the lease heartbeat, rotations kept through a database failure, idle links -----------------


async def test_a_renewed_lease_outlives_its_first_term_and_only_its_owner_renews_it(links: LinkStore) -> None:
    saved = await link(links)
    assert await links.try_acquire_refresh_lease(saved.id, "p1", 2, NOW)
    assert await links.renew_refresh_lease(saved.id, "p1", 2, NOW + timedelta(seconds=1.5))
    assert not await links.try_acquire_refresh_lease(saved.id, "p2", 2, NOW + timedelta(seconds=3))
    assert not await links.renew_refresh_lease(saved.id, "p2", 2, NOW + timedelta(seconds=3))
    # Renewals stop (the process died): two seconds later the lease is anyone's.
    assert await links.try_acquire_refresh_lease(saved.id, "p2", 2, NOW + timedelta(seconds=3.5))
    assert not await links.renew_refresh_lease(saved.id, "p1", 2, NOW + timedelta(seconds=3.6))


async def test_save_rotation_is_one_compare_and_set_that_releases_its_lease(
    links: LinkStore, db: Database
) -> None:
    saved = await link(links)
    assert await links.try_acquire_refresh_lease(saved.id, "p1", 2, NOW)
    statements = count_statements(db)
    outcome = await links.save_rotation(
        saved,
        lease_owner="p1",
        access_token="a2",
        refresh_token="r2",
        access_expires_at=NOW + timedelta(hours=2),
        scopes=None,
    )
    assert outcome == "saved" and statements == ["UPDATE"]  # nothing read between answer and write
    stored = await links.get("T1", "U1")
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("a2", "r2")
    assert stored.version == saved.version + 1 and stored.scopes == saved.scopes
    assert await links.try_acquire_refresh_lease(saved.id, "p2", 2, NOW)  # released
    stale = await links.save_rotation(
        saved,  # read before the write above: loses the compare-and-set
        lease_owner="p1",
        access_token="a3",
        refresh_token="r3",
        access_expires_at=NOW + timedelta(hours=3),
        scopes=None,
    )
    assert stale == "moved_on" and not links.has_pending_rotation(saved.id)
    stored = await links.get("T1", "U1")
    assert stored is not None and stored.refresh_token == "r2"


def count_statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(
        db.engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: seen.append(statement.split()[0].upper()),
    )
    return seen


async def test_a_rotation_the_database_refuses_is_kept_read_back_and_written_later(
    links: LinkStore, db: Database, other_process: Database, vault: TokenVault
) -> None:
    saved = await link(links)
    assert await links.try_acquire_refresh_lease(saved.id, "p1", 2, NOW)
    async with db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE zoom_links RENAME TO zoom_links_away"))
    outcome = await links.save_rotation(
        saved,
        lease_owner="p1",
        access_token="a2",
        refresh_token="r2",
        access_expires_at=NOW + timedelta(hours=2),
        scopes=None,
    )
    assert outcome == "pending" and links.has_pending_rotation(saved.id)
    # Served from memory while the database is out.
    assert links.cached_access_token("T1", "U1", valid_after=NOW) == "a2"
    with pytest.raises(Exception):  # still out: whatever the driver raises
        await links.retry_rotation(saved.id)
    async with db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE zoom_links_away RENAME TO zoom_links"))
    # Back, not written yet: this process reads the kept pair, never the dead one it replaces.
    links.forget_cached("T1", "U1")
    read = await links.get("T1", "U1")
    assert read is not None and (read.access_token, read.refresh_token) == ("a2", "r2")
    assert read.version == saved.version
    elsewhere = LinkStore(other_process, vault)
    stored = await elsewhere.get("T1", "U1")
    assert stored is not None and stored.refresh_token == "refresh-U1"
    assert await links.retry_rotation(saved.id) == "saved"
    assert await links.retry_rotation(saved.id) is None  # nothing pending any more
    stored = await elsewhere.get("T1", "U1")
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("a2", "r2")
    assert stored.version == saved.version + 1


async def test_a_kept_rotation_gives_way_to_a_relink(links: LinkStore, db: Database) -> None:
    saved = await link(links)
    async with db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE zoom_links RENAME TO zoom_links_away"))
    outcome = await links.save_rotation(
        saved,
        lease_owner="p1",
        access_token="a2",
        refresh_token="r2",
        access_expires_at=NOW + timedelta(hours=2),
        scopes=None,
    )
    assert outcome == "pending"
    async with db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE zoom_links_away RENAME TO zoom_links"))
    await link(links, access_token="a-new", refresh_token="r-new")  # the person linked again
    read = await links.get("T1", "U1")
    assert read is not None and read.refresh_token == "r-new"  # the newer row wins over memory
    assert await links.retry_rotation(saved.id) == "moved_on"
    read = await links.get("T1", "U1")
    assert read is not None and read.refresh_token == "r-new"


async def test_idle_links_are_the_active_ones_whose_tokens_are_oldest(links: LinkStore) -> None:
    await link(links, "U1", "zu1", access_expires_at=NOW - timedelta(days=70) + timedelta(hours=1))
    await link(links, "U2", "zu2", access_expires_at=NOW - timedelta(days=61) + timedelta(hours=1))
    await link(links, "U3", "zu3", access_expires_at=NOW - timedelta(days=59) + timedelta(hours=1))
    dead = await link(links, "U4", "zu4", access_expires_at=NOW - timedelta(days=80) + timedelta(hours=1))
    assert await links.mark_needs_reauth(dead.id, expected_version=dead.version)
    before = NOW - timedelta(days=60)
    assert await links.idle_links(tokens_issued_before=before, limit=10) == [("T1", "U1"), ("T1", "U2")]
    assert await links.idle_links(tokens_issued_before=before, limit=1) == [("T1", "U1")]
