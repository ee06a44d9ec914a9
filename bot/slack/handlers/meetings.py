"""`/zoom new | schedule | list | show | join | move | cancel`: parse → service → render."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.people import host_email
from bot.services.series import plan_series, zoom_recurrence
from bot.services.when import AmbiguousWhen, Repeat, read_when
from bot.services.zoom_access import ZoomActor
from bot.slack import views
from bot.slack.grammar import (
    CancelMeeting,
    HostRef,
    JoinMeeting,
    JoinPersonalRoom,
    ListMeetings,
    MoveMeeting,
    NewMeeting,
    Period,
    Schedule,
    ShowMeeting,
)
from bot.slack.grammar.retyped import retyped
from bot.slack.handlers.caller import Caller
from bot.slack.hints import no_personal_room_hint
from bot.slack.hints.refusals import no_occurrences_left
from bot.slack.replies import Outcome
from bot.slack.views import ScheduleForm, notices
from bot.zoom.models import Meeting, MeetingType

DEFAULT_DURATION = 30  # minutes, the same default the schedule form offers


async def new_meeting(cmd: NewMeeting, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    meeting = await zoom.create_instant(cmd.topic or f"{person.name}'s Zoom meeting")
    card = await _live_card(meeting, person.tz, ctx)
    return replace(card, private=views.start_link_ephemeral(meeting))


async def _live_card(meeting: Meeting, tz: ZoneInfo, ctx: Caller) -> Outcome:
    """The channel's Join card, registered as a Slack call where calls are kept current.

    The card is remembered once posted, with its call, so every redraw keeps the call block.
    """
    calls = ctx.deps.slack_calls
    call_id = await calls.register(ctx.team_id, ctx.user_id, meeting) if calls is not None else None
    card = views.meeting_card(meeting, viewer_tz=tz, for_channel=True)
    return Outcome(
        public=views.with_call(card, call_id, meeting.join_url),
        after_public=ctx.deps.meeting_posts.remember(
            ctx.team_id,
            meeting.id,
            user_id=ctx.user_id,
            topic=meeting.topic,
            join_url=meeting.join_url,
            call_id=call_id,
        ),
    )


async def schedule(cmd: Schedule, ctx: Caller) -> Outcome:
    if cmd.repeat is not None:
        outcome, _ = await _schedule_series(cmd, cmd.repeat, ctx)
        return outcome
    person = await ctx.person()
    try:
        reading = read_when(cmd.when_text, now=ctx.now(), tz=person.tz, locale=person.locale)
    except AmbiguousWhen as asked:
        return _ask_which(cmd, asked)
    zoom, host = await _zoom_for(cmd.host, ctx)
    duration = cmd.duration_minutes or DEFAULT_DURATION
    meeting = await zoom.create_scheduled(
        cmd.topic, start=reading.start, duration=duration, tz_name=person.tz_name
    )
    echo = notices.read_as(reading.start, duration, reading.notes)
    return _scheduled_reply(meeting, person.tz, ctx, host=host, echo=echo)


def _ask_which(cmd: Schedule | MoveMeeting, asked: AmbiguousWhen) -> Outcome:
    """Two readings are plausible: ask with a button for each; the click runs the command with it."""
    choices = [(choice.label, retyped(cmd, choice.text)) for choice in asked.choices]
    return Outcome(private=views.time_question(asked.message, choices))


async def _zoom_for(ref: HostRef | None, ctx: Caller) -> tuple[ZoomActor, str | None]:
    """The caller's Zoom, or with `host …` the host's through the caller's scheduling privilege.

    Naming yourself as the host is the same as naming no one.
    """
    zoom = await ctx.zoom()
    if ref is None:
        return zoom, None
    email = await host_email(
        ctx.deps.people,
        await ctx.person(),
        slack_user_id=ref.slack_user_id,
        email=ref.email,
        label=ref.label,
    )
    if email is None:
        return zoom, None
    return await zoom.for_host(email), email


async def _schedule_series(
    cmd: Schedule, repeat: Repeat, ctx: Caller, *, agenda: str | None = None
) -> tuple[Outcome, Meeting]:
    person = await ctx.person()
    plan = plan_series(repeat, now=ctx.now(), tz=person.tz)
    zoom, host = await _zoom_for(cmd.host, ctx)
    meeting = await zoom.create_recurring(
        cmd.topic,
        start=plan.first,
        duration=cmd.duration_minutes or DEFAULT_DURATION,
        tz_name=person.tz_name,
        recurrence=zoom_recurrence(plan),
        agenda=agenda,
    )
    details = views.meeting_details(meeting, viewer_tz=person.tz, now=ctx.now())
    lead = notices.series_scheduled_lead(meeting, plan, viewer_tz=person.tz, host=host)
    echo = notices.series_read_as(plan, cmd.duration_minutes or DEFAULT_DURATION)
    return Outcome(private=notices.prefixed(f"{lead} {echo}", details)), meeting


async def schedule_from_form(form: ScheduleForm, ctx: Caller) -> Outcome:
    """The form's meeting, through the paths `/zoom schedule` takes: once, or `every …` from the
    chosen date; for the form's host as `host …` does."""
    person = await ctx.person()
    if form.repeat is not None:
        as_typed = Schedule(form.topic, "", form.duration, host=form.host, repeat=form.repeat)
        outcome, meeting = await _schedule_series(as_typed, form.repeat, ctx, agenda=form.agenda)
    else:
        zoom, host = await _zoom_for(form.host, ctx)
        meeting = await zoom.create_scheduled(
            form.topic, start=form.start, duration=form.duration, tz_name=person.tz_name, agenda=form.agenda
        )
        outcome = _scheduled_reply(meeting, person.tz, ctx, host=host)
    if form.channel:
        await ctx.deps.reminders.add(
            team_id=ctx.team_id,
            user_id=ctx.user_id,
            meeting=meeting,
            channel_id=form.channel,
            minutes_before=10,
            now=ctx.now(),
        )
    return outcome


def _scheduled_reply(
    meeting: Meeting, tz: ZoneInfo, ctx: Caller, *, host: str | None = None, echo: str | None = None
) -> Outcome:
    details = views.meeting_details(meeting, viewer_tz=tz, now=ctx.now())
    lead = notices.scheduled_lead(host) if echo is None else f"{notices.scheduled_lead(host)} {echo}"
    return Outcome(private=notices.prefixed(lead, details))


def period_window(period: Period, now: datetime, person_tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The [start, end) instants of "today", "tomorrow" or "the next 7 days" in the caller's zone."""
    local_now = now.astimezone(person_tz)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "today":
        return now, _local_midnight(midnight, 1, person_tz)
    if period == "tomorrow":
        return _local_midnight(midnight, 1, person_tz), _local_midnight(midnight, 2, person_tz)
    return now, now + timedelta(days=7)


def _local_midnight(midnight: datetime, days: int, tz: ZoneInfo) -> datetime:
    # Add calendar days on the wall clock, then re-attach the zone (DST-correct).
    day = (midnight + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, tzinfo=tz)


async def list_meetings(cmd: ListMeetings, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom, host = await _zoom_for(cmd.host, ctx)
    start, end = period_window(cmd.period, ctx.now(), person.tz)
    meetings = await zoom.upcoming(start=start, end=end)
    title = views.meeting_list_title(cmd.period, host)
    return Outcome(private=views.meeting_list(meetings, viewer_tz=person.tz, title=title, now=ctx.now()))


async def show_meeting(cmd: ShowMeeting, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    meeting = await zoom.get(cmd.meeting_id)
    return Outcome(private=views.meeting_details(meeting, viewer_tz=person.tz, now=ctx.now()))


async def join_meeting(cmd: JoinMeeting, ctx: Caller) -> Outcome:
    """The meeting's Join card in the channel, once Zoom confirmed the caller can read it."""
    person = await ctx.person()
    zoom = await ctx.zoom()
    meeting = await zoom.get(cmd.meeting_id)
    # Kept live like the /zoom new card: in progress, head count, ended, its thread and its call.
    return await _live_card(meeting, person.tz, ctx)


async def join_personal_room(cmd: JoinPersonalRoom, ctx: Caller) -> Outcome:
    zoom = await ctx.zoom()
    user = await zoom.me()
    url = user.personal_meeting_url
    if not user.pmi or not url.startswith(("https://", "http://")):
        return Outcome(private=views.hint_message(no_personal_room_hint()))
    return Outcome(public=views.personal_room_card(user, url=url))


async def move_meeting(cmd: MoveMeeting, ctx: Caller) -> Outcome:
    """A one-off moves; for a series, a time moves only its next occurrence, a rule the whole series."""
    if cmd.repeat is not None:
        return await _move_series(cmd, cmd.repeat, ctx)
    person = await ctx.person()
    try:
        reading = read_when(cmd.when_text, now=ctx.now(), tz=person.tz, locale=person.locale)
    except AmbiguousWhen as asked:
        return _ask_which(cmd, asked)
    start = reading.start
    zoom = await ctx.zoom()
    current = await zoom.get(cmd.meeting_id)
    echo = notices.read_as(start, current.duration or DEFAULT_DURATION, reading.notes)
    if current.type == MeetingType.RECURRING:
        return await _move_next_occurrence(current, start, ctx, echo)
    meeting = await zoom.move(cmd.meeting_id, start=start, tz_name=person.tz_name)
    await ctx.deps.reminders.meeting_moved(meeting.id, meeting.start_time, now=ctx.now())
    details = views.meeting_details(meeting, viewer_tz=person.tz, now=ctx.now())
    return Outcome(private=notices.prefixed(f":calendar: Moved. {echo}", details))


async def _move_next_occurrence(current: Meeting, start: datetime, ctx: Caller, echo: str) -> Outcome:
    person = await ctx.person()
    upcoming = current.upcoming_occurrences(ctx.now())
    if not upcoming or upcoming[0].start_time is None:
        raise no_occurrences_left()
    following = upcoming[0]
    was = upcoming[0].start_time
    zoom = await ctx.zoom()
    meeting = await zoom.move_occurrence(current, following.occurrence_id, start=start)
    await ctx.deps.reminders.occurrence_moved(meeting.id, following.occurrence_id, start, now=ctx.now())
    details = views.meeting_details(meeting, viewer_tz=person.tz, now=ctx.now())
    lead = notices.occurrence_moved_lead(was, meeting, viewer_tz=person.tz)
    return Outcome(private=notices.prefixed(f"{lead} {echo}", details))


async def _move_series(cmd: MoveMeeting, repeat: Repeat, ctx: Caller) -> Outcome:
    person = await ctx.person()
    plan = plan_series(repeat, now=ctx.now(), tz=person.tz)
    zoom = await ctx.zoom()
    meeting = await zoom.reschedule_series(
        cmd.meeting_id,
        start=plan.first,
        duration=repeat.duration,
        tz_name=person.tz_name,
        recurrence=zoom_recurrence(plan),
    )
    await ctx.deps.reminders.series_changed(meeting, now=ctx.now())
    details = views.meeting_details(meeting, viewer_tz=person.tz, now=ctx.now())
    echo = notices.series_read_as(plan, repeat.duration or meeting.duration or DEFAULT_DURATION)
    return Outcome(private=notices.prefixed(f"{notices.series_moved_lead(plan)} {echo}", details))


async def ask_to_cancel(cmd: CancelMeeting, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    meeting = await zoom.get(cmd.meeting_id)  # also proves it exists and is the caller's
    return Outcome(private=views.cancel_confirm(meeting, viewer_tz=person.tz, now=ctx.now()))


async def confirm_cancel(meeting_id: int, ctx: Caller) -> Outcome:
    zoom = await ctx.zoom()
    meeting = await zoom.cancel(meeting_id)
    await ctx.deps.reminders.meeting_cancelled(meeting_id)
    return Outcome(private=notices.cancelled_message(meeting, now=ctx.now()))


async def confirm_cancel_occurrence(meeting_id: int, occurrence_id: str, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    meeting = await zoom.cancel_occurrence(meeting_id, occurrence_id)
    await ctx.deps.reminders.occurrence_cancelled(meeting_id, occurrence_id, now=ctx.now())
    return Outcome(
        private=notices.occurrence_cancelled_message(
            meeting, occurrence_id, viewer_tz=person.tz, now=ctx.now()
        )
    )
