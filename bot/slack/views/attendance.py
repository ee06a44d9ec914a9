"""A past meeting's attendance: how many came, how long they stayed, and who (names only)."""

from __future__ import annotations

from bot.services.attendance import Attendance
from bot.slack.mrkdwn import escape, format_meeting_id, truncate
from bot.slack.views._blocks import Block, SlackMessage, context, header, message, section

MAX_NAMES = 60  # names in one section; more are counted, not listed


def minutes(seconds: int) -> str:
    if seconds < 60:
        return "under a minute" if seconds else "0 min"
    hours, mins = divmod(round(seconds / 60), 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def attendance_report(meeting_id: int, attendance: Attendance) -> SlackMessage:
    title = f"Attendance: meeting {format_meeting_id(meeting_id)}"
    if not attendance.attendees:
        text = "Zoom lists nobody in this meeting's last session."
        return message(f"{title}: nobody", [header(title), section(text)])
    people = f"{attendance.count} {'person' if attendance.count == 1 else 'people'}"
    summary = (
        f"*{people}* attended · typical stay *{minutes(attendance.median_seconds)}* (median) · "
        f"*{minutes(attendance.total_seconds)}* in all"
    )
    shown = attendance.attendees[:MAX_NAMES]
    names = ", ".join(f"{escape(truncate(a.name, 60))} ({minutes(a.seconds)})" for a in shown)
    blocks: list[Block] = [header(title), section(summary), section(names)]
    hidden = attendance.count - len(shown)
    notes = ["Display names as Zoom shows them; someone who rejoined is counted once."]
    if hidden > 0:
        notes.insert(0, f"…and {hidden} more.")
    blocks.append(context(" ".join(notes)))
    return message(f"{title}: {people}, median {minutes(attendance.median_seconds)}", blocks)
