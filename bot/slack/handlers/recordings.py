"""Recordings to the trash and back: `/zoom recordings trash` and its buttons: parse → service → render.

Each click is recorded in the audit trail, however it ends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services import recording_actions
from bot.services.audit import SlackWho, outcome_of
from bot.services.recording_actions import RecordingRef
from bot.services.zoom_access import ZoomActor
from bot.slack import views
from bot.slack.grammar import RecordingsTrash
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome
from bot.zoom.models import Recording


async def trash_list(cmd: RecordingsTrash, ctx: Caller) -> Outcome:
    person = await ctx.person()
    found = await recording_actions.in_trash(await ctx.zoom(), now=ctx.now())
    return Outcome(private=views.trash_list(found, viewer_tz=person.tz))


async def move_to_trash(ref: RecordingRef, ctx: Caller) -> Outcome:
    recording = await _audited(ctx, ref, "recording_trash", recording_actions.move_to_trash)
    return Outcome(private=views.recording_moved(recording.topic, to_trash=True))


async def recover(ref: RecordingRef, ctx: Caller) -> Outcome:
    recording = await _audited(ctx, ref, "recording_recover", recording_actions.recover)
    return Outcome(private=views.recording_moved(recording.topic, to_trash=False))


async def _audited(
    ctx: Caller,
    ref: RecordingRef,
    action: str,
    work: Callable[[ZoomActor, RecordingRef], Awaitable[Recording]],
) -> Recording:
    who = SlackWho(ctx.team_id, ctx.user_id)
    try:
        recording = await work(await ctx.zoom(), ref)
    except Exception as error:
        # Not found among the clicker's own: all the trail can name is the instance.
        result, reason = outcome_of(error)
        started = f"started {ref.day.isoformat()}"
        await ctx.deps.audit.record(who, action, ref.uuid, result=result, detail=started, reason=reason)
        raise
    meeting = f"meeting {recording.meeting_id}" if recording.meeting_id else f"instance {ref.uuid}"
    await ctx.deps.audit.record(who, action, recording.topic or ref.uuid, result="ok", detail=meeting)
    return recording
