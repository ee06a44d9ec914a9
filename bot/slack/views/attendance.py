"""A past meeting's attendance: how many came, how long they stayed, and who (names only).

The same read-out answers `/zoom report` and goes into a meeting card's thread after the
meeting; in a private conversation it goes first to whoever posted the card, with a button
that shares it in the thread. `/zoom attendance on|off` is answered here too.
"""

from __future__ import annotations

from bot.services.attendance import Attendance
from bot.slack.mrkdwn import escape, format_meeting_id, truncate
from bot.slack.views._blocks import (
    MAX_HEADER_TEXT,
    MAX_MESSAGE_BLOCKS,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    header,
    message,
    section,
)
from bot.slack.views.live_meeting import summary_from_host_copy

MAX_NAMES = 60  # names in one section; more are counted, not listed
ACTION_SHARE_ATTENDANCE = "share_attendance_in_thread"  # value: the meeting post's id
BLOCK_SHARE_ATTENDANCE = "share_attendance"


def minutes(seconds: int) -> str:
    if seconds < 60:
        return "under a minute" if seconds else "0 min"
    hours, mins = divmod(round(seconds / 60), 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def _people(attendance: Attendance) -> str:
    return f"{attendance.count} {'person' if attendance.count == 1 else 'people'}"


def attendance_blocks(title: str, attendance: Attendance, *, nobody: str) -> list[Block]:
    """A header, the figures, the names (display names only), and a note on how they were counted."""
    if not attendance.attendees:
        return [header(title), section(nobody)]
    summary = (
        f"*{_people(attendance)}* attended · typical stay *{minutes(attendance.median_seconds)}* (median) · "
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
    return blocks


def _fallback(title: str, attendance: Attendance) -> str:
    if not attendance.attendees:
        return f"{title}: nobody"
    return f"{title}: {_people(attendance)}, median {minutes(attendance.median_seconds)}"


def attendance_report(meeting_id: int, attendance: Attendance) -> SlackMessage:
    title = f"Attendance: meeting {format_meeting_id(meeting_id)}"
    nobody = "Zoom lists nobody in this meeting's last session."
    return message(_fallback(title, attendance), attendance_blocks(title, attendance, nobody=nobody))


def _thread_title(topic: str) -> str:
    return truncate(f"Attendance: {topic}", MAX_HEADER_TEXT)


def attendance_in_thread(topic: str, attendance: Attendance) -> SlackMessage:
    """Into the card's thread once Zoom has the meeting's participant list."""
    title = _thread_title(topic)
    blocks = attendance_blocks(title, attendance, nobody="Zoom lists nobody in this meeting.")
    return message(_fallback(title, attendance), blocks)


def attendance_for_host(topic: str, attendance: Attendance, *, post_id: int, channel_id: str) -> SlackMessage:
    """To the card's author first (the meeting was in a private channel or DM), with a button to share it."""
    title = _thread_title(topic)
    intro = section(
        f"Zoom has the attendance of *{escape(topic)}*. The meeting's card is in a private conversation "
        f"(<#{channel_id}>), so only you see this until you share it there."
    )
    share = actions(
        button("Share in the thread", action_id=ACTION_SHARE_ATTENDANCE, value=str(post_id), style="primary"),
        block_id=BLOCK_SHARE_ATTENDANCE,
    )
    body = attendance_blocks(title, attendance, nobody="Zoom lists nobody in this meeting.")
    blocks = [intro, *body][: MAX_MESSAGE_BLOCKS - 1] + [share]
    return message(f"Your meeting's attendance: {_fallback(title, attendance)}", blocks)


def attendance_from_host_copy(blocks: list[Block]) -> list[Block]:
    """The read-out part of the author's copy (without the intro and the button), for the thread."""
    return summary_from_host_copy(blocks)


def shared_attendance_for_host(blocks: list[Block], channel_id: str) -> SlackMessage:
    """The author's copy once shared: the same read-out, the button replaced by a note."""
    kept = [b for b in blocks if b.get("block_id") != BLOCK_SHARE_ATTENDANCE][: MAX_MESSAGE_BLOCKS - 1]
    kept.append(context(f":white_check_mark: Shared in the meeting's thread in <#{channel_id}>."))
    return message("Meeting attendance shared", kept)


def attendance_gave_up(topic: str, meeting_id: int) -> SlackMessage:
    """Zoom never had the list within the hour the bot waits for it."""
    text = (
        f"Zoom still had no attendance for *{escape(topic)}* an hour after it ended, so none is posted here. "
        f"The host can try `/zoom report {format_meeting_id(meeting_id)}` later."
    )
    return message(f"No attendance for {topic}", [section(text)])


def attendance_switched(*, enabled: bool, changed: bool, by: str | None, webhooks: bool) -> SlackMessage:
    """The caller's answer to `/zoom attendance on|off` (or the channel's state, asked with no word)."""
    if enabled:
        state = "on: after each meeting whose Join card is posted here, its thread gets who attended"
        again = "`/zoom attendance off` turns it off."
    else:
        state = "off: meetings whose Join card is posted here get no attendance in their thread"
        again = "`/zoom attendance on` turns it back on."
    if changed:
        lead = f"Attendance after meetings is now {state}."
    else:
        lead = f"Attendance after meetings is {state}."
        if by:
            lead += f" (Last switched by <@{by}>.)"
    blocks: list[Block] = [section(f"{lead}\n{again}")]
    if not webhooks:
        blocks.append(
            context(
                "zoombot gets no events from Zoom here (its admin has not set up Zoom's webhooks), "
                "so nothing is posted after meetings until they do."
            )
        )
    return message(lead, blocks)


def attendance_switch_notice(*, enabled: bool, by: str) -> SlackMessage:
    """For the whole channel: who switched attendance, and how to switch it back."""
    if enabled:
        text = f"<@{by}> turned attendance back on: meetings posted here get who attended in their thread."
        undo = "`/zoom attendance off` turns it off."
    else:
        text = (
            f"<@{by}> turned attendance off: meetings posted here no longer get who attended in their thread."
        )
        undo = "`/zoom attendance on` turns it back on."
    return message(text, [section(text), context(undo)])
