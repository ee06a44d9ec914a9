"""`/zoom usage` and `/zoom live`: the account's daily usage and the meetings in progress now.

Usage is a table with a sparkline per series and the change against the period before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.services.account_reports import LiveReadout, Period, Totals, UsageReport
from bot.slack.mrkdwn import date_token, escape, format_meeting_id, truncate
from bot.slack.views._blocks import Block, SlackMessage, context, header, message, section

SPARKS = "▁▂▃▄▅▆▇█"
MAX_LIVE_SHOWN = 40  # one section each, under Slack's 50 blocks
SERIES = (
    ("meetings", "Meetings"),
    ("participants", "Participants"),
    ("meeting_minutes", "Meeting minutes"),
    ("new_users", "New users"),
)


def sparkline(values: Sequence[int]) -> str:
    """One character a value, scaled to the largest; all zeros draw the lowest bar."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, value * (len(SPARKS) - 1) // top)] for value in values)


def period_label(period: Period) -> str:
    if period.whole_month:
        return f"{period.first:%B %Y}"
    if period.days == 1:
        return f"{period.first:%a %d %b}"
    return f"the last {period.days} days ({period.first:%d %b} – {period.last:%d %b})"


def change(now: int, before: int) -> str:
    if before == 0:
        return "new" if now else "–"
    percent = round((now - before) * 100 / before)
    return f"{percent:+d}%"


def usage_report(report: UsageReport) -> SlackMessage:
    title = f"Zoom usage: {period_label(report.period)}"
    rows = []
    for field, label in SERIES:
        values = [getattr(day, field) for day in report.days]
        total = getattr(report.totals, field)
        against = ""
        if report.previous_totals is not None:
            against = change(total, getattr(report.previous_totals, field))
        rows.append(f"{label:<16}{total:>9,}  {against:>9}  {sparkline(values)}")
    table = "\n".join([f"{'':<16}{'total':>9}  {'vs before':>9}  per day", *rows])
    blocks: list[Block] = [header(title), section(f"```{table}```")]
    notes = [f"{report.period.first:%d %b} → {report.period.last:%d %b}, one bar a day."]
    if report.previous is not None:
        notes.append(f"Compared with {period_label(report.previous)}.")
    else:
        notes.append("No comparison: Zoom no longer keeps the period before.")
    blocks.append(context(" ".join(notes)))
    return message(f"{title}: {_totals_text(report.totals)}", blocks)


def _totals_text(totals: Totals) -> str:
    return (
        f"{totals.meetings} meetings, {totals.participants} participants, "
        f"{totals.meeting_minutes} minutes, {totals.new_users} new users"
    )


def live_meetings(readout: LiveReadout, *, viewer_tz: tzinfo, now: datetime) -> SlackMessage:
    count = len(readout.meetings)
    title = f"In progress now: {count} meeting{'s' if count != 1 else ''}"
    blocks: list[Block] = [header(title)]
    if not readout.meetings:
        blocks.append(section("No meeting is in progress on the account right now."))
    for meeting in readout.meetings[:MAX_LIVE_SHOWN]:
        started = (
            f"started {date_token(meeting.start_time, '{time}', fallback_tz=viewer_tz)}"
            if meeting.start_time is not None
            else "start time unknown"
        )
        people = f"{meeting.participants} in the meeting"
        topic = escape(truncate(meeting.topic or "(no topic)", 150))
        host = escape(truncate(meeting.host or "unknown host", 80))
        blocks.append(
            section(f"*{topic}* · `{format_meeting_id(meeting.id)}`\n{host} · {people} · {started}")
        )
    hidden = count - MAX_LIVE_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more."))
    age = int((now - readout.as_of).total_seconds())
    fresh = "just now" if age < 5 else f"{age} s ago"
    blocks.append(
        context(
            f"From Zoom's Dashboard as of {date_token(readout.as_of, '{time_secs}', fallback_tz=viewer_tz)} "
            f"({fresh}); Zoom allows it only a few reads a minute, so answers are shared for a minute."
        )
    )
    return message(title, blocks)
