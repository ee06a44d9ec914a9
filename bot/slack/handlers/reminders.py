"""`/zoom remind | reminders | digest`: parse → service → render."""

from __future__ import annotations

from bot.slack import views
from bot.slack.grammar import CancelReminder, DigestOff, DigestOn, ListReminders, Remind
from bot.slack.handlers.caller import Caller
from bot.slack.hints.refusals import unresolved_channel
from bot.slack.replies import Outcome
from bot.slack.views import notices


async def remind(cmd: Remind, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    meeting = await zoom.get(cmd.meeting_id)  # it must exist and be the caller's
    if cmd.channel is not None and not cmd.channel.id:
        # Slack sends a channel picked from autocomplete as <#C123|name>; a bare name cannot be
        # resolved without reading every channel (a scope we do not ask for).
        raise unresolved_channel(cmd.channel.name)
    channel_id = cmd.channel.id if cmd.channel is not None and cmd.channel.id else ctx.channel_id
    reminder = await ctx.deps.reminders.add(
        team_id=ctx.team_id,
        user_id=ctx.user_id,
        meeting=meeting,
        channel_id=channel_id,
        minutes_before=cmd.minutes_before,
        now=ctx.now(),
    )
    return Outcome(private=notices.reminder_set_message(reminder, viewer_tz=person.tz))


async def list_reminders(cmd: ListReminders, ctx: Caller) -> Outcome:
    person = await ctx.person()
    found = await ctx.deps.reminders.list_for(ctx.team_id, ctx.user_id)
    return Outcome(private=views.reminder_list(found, viewer_tz=person.tz))


async def cancel_reminder(cmd: CancelReminder, ctx: Caller) -> Outcome:
    cancelled = await ctx.deps.reminders.cancel(ctx.team_id, ctx.user_id, cmd.reminder_id)
    return Outcome(private=notices.reminder_cancelled_message(cmd.reminder_id, cancelled))


async def digest_on(cmd: DigestOn, ctx: Caller) -> Outcome:
    person = await ctx.person()
    await ctx.deps.digests.enable(ctx.team_id, ctx.user_id, at=cmd.at, tz_name=person.tz_name)
    return Outcome(private=notices.digest_message(enabled=True, at=cmd.at, tz_name=person.tz_name))


async def digest_off(cmd: DigestOff, ctx: Caller) -> Outcome:
    await ctx.deps.digests.disable(ctx.team_id, ctx.user_id)
    return Outcome(private=notices.digest_message(enabled=False, at=None, tz_name=None))
