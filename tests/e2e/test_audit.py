"""The audit trail end to end: user changes and recording trash/recover from Slack, each stored with
who, what, on whom and how it ended, logged as one line, and `/zoom audit [N]` for Zoom admins."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, BOB, GENERAL, reply_to, texts
from tests.e2e.test_recording_trash import click

CONFIRM = "user_change_confirm"


async def confirm(w: OfflineWorld, user: str, command: str) -> str:
    (question,) = await reply_to(w, user, command)
    return await click(w, user, CONFIRM, question)


async def test_admin_and_recording_actions_are_listed_newest_first(
    account_world: OfflineWorld, caplog: pytest.LogCaptureFixture
) -> None:
    w = account_world
    caplog.set_level(logging.INFO, logger="bot.services.audit")
    await confirm(w, ALICE, "user create dana@example.com licensed")
    await confirm(w, ALICE, "user create carol@example.com")  # Zoom: 1005, used already
    await confirm(w, ALICE, "user deactivate bob@example.com")
    await reply_to(w, BOB, "user deactivate carol@example.com")  # a member: refused before any question
    w.sim.add_recording("carol@example.com", "Carol's demo", datetime.now(UTC) - timedelta(days=1))
    [listing] = await reply_to(w, "U0CAROL", "recordings")
    await click(w, "U0CAROL", "recording_trash", listing)

    body = texts(await reply_to(w, ALICE, "audit"))
    assert "Audit trail: the last 5 actions" in body
    lines = [line for line in body.split("\\n") if "<!date^" in line]
    assert len(lines) == 5
    assert "<@U0CAROL> moved to the trash the recording of `Carol's demo`" in lines[0] and "ok" in lines[0]
    assert "<@U0BOB> deactivated `carol@example.com`" in lines[1] and "refused (not_zoom_admin)" in lines[1]
    assert "<@U0ALICE> deactivated `bob@example.com`" in lines[2] and ":white_check_mark: ok" in lines[2]
    assert "created user `carol@example.com` (basic)" in lines[3] and "refused (zoom 1005)" in lines[3]
    assert "created user `dana@example.com` (licensed)" in lines[4] and "ok" in lines[4]
    assert "simat_" not in body and "zak=" not in body  # never a token or start link

    logged = [r.getMessage() for r in caplog.records if r.name == "bot.services.audit"]
    assert len(logged) == 5 and logged[1].startswith("audit: user_create carol@example.com by ")
    assert logged[1].endswith(": refused (zoom 1005)")

    two = texts(await reply_to(w, ALICE, "audit 2"))
    assert "the last 2 actions" in two and "Carol's demo" in two and "dana@example.com" not in two


async def test_an_empty_trail_and_bad_counts(account_world: OfflineWorld) -> None:
    w = account_world
    assert "Nothing yet" in texts(await reply_to(w, ALICE, "audit"))
    for command, words in {"audit 500": "Pick between 1 and 100", "audit lots": "how many entries"}.items():
        answer = str((await w.driver.slash(ALICE, GENERAL, command)).json())
        assert words in answer and "/zoom audit" in answer, command


async def test_only_zoom_admins_read_it(account_world: OfflineWorld) -> None:
    w = account_world
    await confirm(w, ALICE, "user create dana@example.com")
    refused = texts(await reply_to(w, BOB, "audit"))
    assert "Owner" in refused and "audit trail" in refused and "dana@example.com" not in refused


async def test_user_mode_keeps_the_trail_but_does_not_show_it(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.add_recording("alice@example.com", "Retro", datetime.now(UTC) - timedelta(days=2))
    [listing] = await reply_to(w, ALICE, "recordings")
    await click(w, ALICE, "recording_trash", listing)
    (entry,) = await w.bot.slack.audit.recent(w.standin.identity.team_id, 20)
    assert (entry.user_id, entry.action, entry.target, entry.result) == (
        ALICE,
        "recording_trash",
        "Retro",
        "ok",
    )
    before = dict(w.sim.stats)
    assert "account mode" in texts(await reply_to(w, ALICE, "audit"))
    assert w.sim.stats == before  # said why without asking Zoom
