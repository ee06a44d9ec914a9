"""`/zoom attendance on|off` handler, called directly with the caller and the Slack port."""

from __future__ import annotations

from bot.slack.grammar import AttendanceSwitch
from bot.slack.handlers import attendance
from bot.slack.handlers.caller import Caller
from bot.store.channel_attendance import ChannelAttendanceStore
from bot.store.db import Database
from tests.kit.slack_deps import ALICE, GENERAL, TEAM


async def test_turning_it_off_tells_the_channel_who_did_and_a_repeat_tells_nobody(
    alice: Caller, db: Database
) -> None:
    off = await attendance.switch(AttendanceSwitch(False), alice)
    assert off.private is not None and "now off" in off.private["text"]
    assert off.public is not None and f"<@{ALICE}> turned attendance off" in off.public["text"]
    assert not (await ChannelAttendanceStore(db).get(TEAM, GENERAL)).enabled

    again = await attendance.switch(AttendanceSwitch(False), alice)
    assert again.public is None and again.private is not None and "is off" in again.private["text"]

    asked = await attendance.switch(AttendanceSwitch(None), alice)
    assert asked.public is None and asked.private is not None
    assert f"Last switched by <@{ALICE}>" in asked.private["text"]

    on = await attendance.switch(AttendanceSwitch(True), alice)
    assert on.public is not None and "turned attendance back on" in on.public["text"]
    assert (await ChannelAttendanceStore(db).get(TEAM, GENERAL)).enabled


async def test_without_zoom_webhooks_the_answer_says_nothing_will_come(alice: Caller) -> None:
    assert alice.deps.meeting_threads is None  # the unit port has no webhook secret
    asked = await attendance.switch(AttendanceSwitch(None), alice)
    assert asked.private is not None and "gets no events from Zoom" in str(asked.private["blocks"])
