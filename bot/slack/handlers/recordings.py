"""Recordings to the trash and back: `/zoom recordings trash` and its buttons: parse → service → render."""

from __future__ import annotations

from bot.services import recording_actions
from bot.services.recording_actions import RecordingRef
from bot.slack import views
from bot.slack.grammar import RecordingsTrash
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome


async def trash_list(cmd: RecordingsTrash, ctx: Caller) -> Outcome:
    person = await ctx.person()
    found = await recording_actions.in_trash(await ctx.zoom(), now=ctx.now())
    return Outcome(private=views.trash_list(found, viewer_tz=person.tz))


async def move_to_trash(ref: RecordingRef, ctx: Caller) -> Outcome:
    recording = await recording_actions.move_to_trash(await ctx.zoom(), ref)
    return Outcome(private=views.recording_moved(recording.topic, to_trash=True))


async def recover(ref: RecordingRef, ctx: Caller) -> Outcome:
    recording = await recording_actions.recover(await ctx.zoom(), ref)
    return Outcome(private=views.recording_moved(recording.topic, to_trash=False))
