"""`remind | reminders | digest` handlers, called directly with the caller and the Slack port."""

from __future__ import annotations

from datetime import time

from bot.slack.grammar import CancelReminder, DigestOff, DigestOn, ListReminders
from bot.slack.handlers import reminders
from bot.slack.handlers.caller import Caller
from bot.store.db import Database
from bot.store.digests import DigestStore
from tests.kit.slack_deps import ALICE, TEAM


async def test_digest_on_is_stored_in_the_callers_zone_and_off_removes_it(
    alice: Caller, db: Database
) -> None:
    on = await reminders.digest_on(DigestOn(time(7, 45)), alice)
    assert on.public is None and on.private is not None
    assert "*07:45* (America/New_York)" in str(on.private["blocks"])
    stored = await DigestStore(db).get(TEAM, ALICE)
    assert stored is not None and (stored.at, stored.tz_name) == (time(7, 45), "America/New_York")

    off = await reminders.digest_off(DigestOff(), alice)
    assert off.private is not None and off.private["text"] == "Digest off"
    assert await DigestStore(db).get(TEAM, ALICE) is None


async def test_no_reminders_says_how_to_add_one(alice: Caller) -> None:
    listed = await reminders.list_reminders(ListReminders(), alice)
    assert listed.private is not None
    assert listed.private["text"] == "Your reminders: none"
    assert "/zoom remind" in str(listed.private["blocks"])


async def test_cancelling_a_reminder_that_is_not_there_says_so(alice: Caller) -> None:
    cancelled = await reminders.cancel_reminder(CancelReminder(12), alice)
    assert cancelled.private is not None
    assert "no pending reminder *#12*" in str(cancelled.private["blocks"])
