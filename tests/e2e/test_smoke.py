from __future__ import annotations

import time

from bot.sandbox.world import OfflineWorld


async def test_help_acks_and_replies(world: OfflineWorld) -> None:
    started = time.perf_counter()
    response = await world.driver.slash("U0ALICE", "C0GENERAL", "help")
    assert response.status_code == 200
    assert time.perf_counter() - started < 10  # no Zoom call in the ack path (a generous bound)
    msg = await world.standin.wait_for(
        lambda: next(iter(world.standin.ephemerals_for("U0ALICE")), None), timeout=30
    )
    assert "/zoom link" in msg.text or "/zoom link" in str(msg.blocks)


async def test_link_then_new_meeting(linked_world: OfflineWorld) -> None:
    w = linked_world
    link = await w.bot.links.get(w.standin.team_id, "U0ALICE")
    assert link is not None and link.zoom_email == "alice@example.com"
    response = await w.driver.slash("U0ALICE", "C0GENERAL", "new Standup")
    assert response.status_code == 200
    post = await w.standin.wait_for(
        lambda: next((m for m in w.standin.messages_in("C0GENERAL") if m.kind == "post"), None), timeout=30
    )
    assert "Standup" in post.text
    assert "zak=" not in str(post.blocks)


async def test_the_whole_path_on_postgresql(fresh_postgres_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.kit.checked_world import checked_world

    async with checked_world(tmp_path, database_url=fresh_postgres_url) as w:
        page = await w.link("alice")
        assert page.status_code == 200
        await w.driver.slash("U0ALICE", "C0GENERAL", 'schedule "On Postgres" tomorrow 10am')
        await w.standin.wait_for(
            lambda: any("Scheduled" in (m.text or "") for m in w.standin.messages) or None, timeout=30
        )
        assert w.bot.db.dialect_name == "postgresql"
        assert [m.topic for m in w.sim.meetings_of("alice@example.com")] == ["On Postgres"]
