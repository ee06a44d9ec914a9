"""Short confirmations: scheduled, moved, cancelled, unlinked, reminder set, digest on/off."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from bot.services.series import SeriesPlan
from bot.services.when import MAX_OCCURRENCES
from bot.slack.mrkdwn import channel_mention, date_token, escape, format_meeting_id
from bot.slack.views._blocks import SlackMessage, message, section
from bot.slack.views._types import MeetingLike, OccurrenceLike, ReminderLike
from bot.slack.views.repeat_rules import describe_clock, describe_rule

RECURRING = 8


def prefixed(lead: str, body: SlackMessage) -> SlackMessage:
    """``body`` with a one-line lead (e.g. ":white_check_mark: Scheduled.") in front."""
    return message(f"{lead} {body['text']}", [section(lead), *body["blocks"]][:50])


def read_as(start: datetime, minutes: int, notes: tuple[str, ...] = ()) -> str:
    """How the time was read, so a misunderstanding shows at once: ``Read as Fri 05 Dec, 15:00–16:00 EST``.

    ``start`` is in the caller's zone; ``notes`` are what we decided for them (a clock
    without am/pm, a date's day/month order)."""
    end = start + timedelta(minutes=minutes)
    span = f"{start:%H:%M}–{end:%H:%M}" if end.date() == start.date() else f"{start:%H:%M}–{end:%a %H:%M}"
    said = f"_Read as {start:%a %d %b}, {span} {start:%Z}_"
    if notes:
        said += " (" + "; ".join(escape(note) for note in notes) + ")"
    return said


def series_read_as(plan: SeriesPlan, minutes: int) -> str:
    """The first meeting of a series as read: ``Read as Mon 07 Dec, 09:00–09:15 EST, then …``."""
    return read_as(plan.first, minutes)


def scheduled_lead(host: str | None = None) -> str:
    if host is None:
        return ":white_check_mark: Scheduled."
    return f":white_check_mark: Scheduled for {escape(host)} (they are the host)."


def series_scheduled_lead(
    meeting: MeetingLike, plan: SeriesPlan, *, viewer_tz: tzinfo, host: str | None = None
) -> str:
    """What was made, in words: the rule, how many meetings, the last one, and how to end sooner."""
    repeat = plan.repeat
    rule = describe_rule(repeat.kind, repeat.interval, repeat.weekdays, repeat.month_day, repeat.month_week)
    starts = [o.start_time for o in meeting.occurrences if o.start_time is not None] or list(plan.starts)
    last = date_token(starts[-1], "{date_short_pretty}", fallback_tz=viewer_tz)
    count = f"{len(starts)} time{'s' if len(starts) != 1 else ''}"
    if plan.default_end:
        count += " (Zoom's maximum for a series)"
    at = describe_clock(repeat.clock)
    whose = f" for {escape(host)} (they are the host)" if host else ""
    lead = f":white_check_mark: Scheduled a series{whose}: {rule} at {at}, {count}, the last on {last}."
    if plan.default_end:
        lead += (
            f" To end it sooner, schedule it with `{escape('until <date>')}` or `x{MAX_OCCURRENCES // 6}`."
        )
    return lead


def cancelled_message(meeting: MeetingLike, *, now: datetime | None = None) -> SlackMessage:
    text = f":wastebasket: Cancelled *{escape(meeting.topic)}* (`{format_meeting_id(meeting.id)}`)"
    if meeting.type == RECURRING:
        left = [o for o in meeting.occurrences if _live(o, now)]
        text += f": the whole series, all {len(left)} occurrence{'s' if len(left) != 1 else ''}"
    return message(f"Cancelled {escape(meeting.topic)}", [section(text + ".")])


def occurrence_cancelled_message(
    meeting: MeetingLike, occurrence_id: str, *, viewer_tz: tzinfo, now: datetime
) -> SlackMessage:
    """One occurrence gone; says which, and that the series goes on."""
    gone = next((o for o in meeting.occurrences if str(o.occurrence_id) == occurrence_id), None)
    on = (
        date_token(gone.start_time, "{date_short_pretty} at {time}", fallback_tz=viewer_tz)
        if gone is not None and gone.start_time is not None
        else "that day"
    )
    rest = [o for o in meeting.occurrences if _live(o, now) and str(o.occurrence_id) != occurrence_id]
    text = (
        f":wastebasket: Cancelled *{escape(meeting.topic)}* on {on} only. "
        f"The other {len(rest)} occurrence{'s' if len(rest) != 1 else ''} of the series stay as they are."
    )
    return message(f"Cancelled one {escape(meeting.topic)}", [section(text)])


def occurrence_moved_lead(old_start: datetime, meeting: MeetingLike, *, viewer_tz: tzinfo) -> str:
    was = date_token(old_start, "{date_short_pretty} at {time}", fallback_tz=viewer_tz)
    example = escape(f"/zoom move {format_meeting_id(meeting.id)} every weekday 10am")
    return (
        f":calendar: Moved only the occurrence of {was}; the rest of the series is unchanged. "
        f"To move the whole series, give it a new rule: `{example}`."
    )


def series_moved_lead(plan: SeriesPlan) -> str:
    repeat = plan.repeat
    rule = describe_rule(repeat.kind, repeat.interval, repeat.weekdays, repeat.month_day, repeat.month_week)
    count = len(plan.starts)
    return (
        f":calendar: Moved the whole series: now {rule} at {describe_clock(repeat.clock)}, "
        f"{count} time{'s' if count != 1 else ''}."
    )


def _live(occurrence: OccurrenceLike, now: datetime | None) -> bool:
    start = occurrence.start_time
    return (
        start is not None
        and str(occurrence.status or "").lower() != "deleted"
        and (now is None or start >= now)
    )


def stale_button_message() -> SlackMessage:
    text = "That button no longer works. Run the command again, e.g. `/zoom cancel &lt;meeting-id&gt;`."
    return message("That button no longer works.", [section(text)])


def already_answered_message() -> SlackMessage:
    text = "You already answered that question (a second click, or another device); nothing more was done."
    return message("You already answered that question.", [section(text)])


def account_mode_link_message() -> SlackMessage:
    text = (
        "No linking needed: zoombot acts through your organisation's Zoom account and finds you by the "
        "e-mail of your Slack profile."
    )
    return message("No linking needed in this workspace.", [section(text)])


def unlinked_message(revoked_at_zoom: bool | None) -> SlackMessage:
    if revoked_at_zoom is None:
        text = "There was no Zoom account linked. Run `/zoom link` to link one."
    elif revoked_at_zoom:
        text = (
            ":white_check_mark: Unlinked. zoombot's access was revoked at Zoom and your tokens deleted here."
        )
    else:
        text = (
            ":white_check_mark: Unlinked here: your tokens are deleted. Zoom did not confirm the revocation, "
            "so also remove zoombot under *Zoom App Marketplace → Manage → Added Apps*."
        )
    return message("Unlinked." if revoked_at_zoom is not None else "Nothing to unlink.", [section(text)])


def reminder_set_message(reminder: ReminderLike, *, viewer_tz: tzinfo) -> SlackMessage:
    when = date_token(reminder.fire_at, "{date_short_pretty} at {time}", fallback_tz=viewer_tz)
    channel = channel_mention(reminder.channel_id, "this channel")
    text = (
        f":alarm_clock: Reminder *#{reminder.id}* set: I'll post in {channel} {reminder.minutes_before} min "
        f"before *{escape(reminder.topic)}*, {when}"
    )
    if reminder.repeats:
        text += ", and again before each later occurrence of the series"
    text += ". `/zoom reminders` lists them."
    return message(f"Reminder #{reminder.id} set", [section(text)])


def reminder_cancelled_message(reminder_id: int, cancelled: bool) -> SlackMessage:
    if cancelled:
        text = f":wastebasket: Reminder *#{reminder_id}* cancelled."
    else:
        text = f"You have no pending reminder *#{reminder_id}*. `/zoom reminders` lists yours."
    return message(f"Reminder #{reminder_id}", [section(text)])


def digest_message(*, enabled: bool, at: time | None, tz_name: str | None) -> SlackMessage:
    if enabled and at is not None:
        text = (
            f":sunrise: Digest on: each weekday at *{at.strftime('%H:%M')}* ({escape(tz_name or 'UTC')}) "
            "I'll DM you the day's meetings. `/zoom digest off` stops it."
        )
    else:
        text = "Digest off. `/zoom digest on 08:30` turns it back on."
    return message("Digest on" if enabled else "Digest off", [section(text)])
