"""What background work posts: reminders, owner notices and digests.

A meeting's live card and its thread are built in ``bot/slack/views/live_meeting.py``.

Channel posts show times with Slack's ``<!date^…>`` token (each reader sees their own
zone); fallbacks are written in UTC. No builder here ever receives a start URL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from bot.slack.mrkdwn import channel_mention, date_token, escape, format_meeting_id
from bot.slack.views._blocks import Block, SlackMessage, button, context, header, message, section
from bot.slack.views._types import MeetingLike
from bot.store.reminders import ReminderRow

ACTION_JOIN = "join_meeting"  # same action id as the meeting cards: the listener only acks it
REMINDER_EVENT = "zoombot_reminder"  # Slack message metadata event_type on every reminder post
MAX_DIGEST_MEETINGS = 40
_SAFE_URL = re.compile(r"https://[^\s<>|]{1,2000}")


def _is_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("https://", "http://"))


def _channel(channel_id: str) -> str:
    return channel_mention(channel_id, "the channel")


def reminder_block_id(reminder_id: int) -> str:
    return f"zoombot_reminder_{reminder_id}"


def reminder_metadata(reminder_id: int) -> dict[str, Any]:
    """Slack message metadata naming the reminder, so a post can be traced back to its row."""
    return {"event_type": REMINDER_EVENT, "event_payload": {"reminder_id": reminder_id}}


def minutes_until(start: datetime, now: datetime) -> int:
    return max(0, math.ceil((start - now).total_seconds() / 60))


def reminder_post(row: ReminderRow, *, now: datetime, delayed: bool) -> SlackMessage:
    """The channel post: "<topic> starts <!date^…> (in N minutes)", with a Join button."""
    minutes = minutes_until(row.meeting_start_at, now)
    when = date_token(row.meeting_start_at, "{time}", fallback_tz=UTC)
    soon = "now" if minutes == 0 else "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
    lead = ":alarm_clock: " + ("(delayed) " if delayed else "")
    text = f"{lead}*{escape(row.topic)}* starts {when} ({soon})"
    join = (
        button("Join", action_id=ACTION_JOIN, url=row.join_url, value=str(row.meeting_id), style="primary")
        if _is_url(row.join_url)
        else None
    )
    blocks = [section(text, accessory=join, block_id=reminder_block_id(row.id))]
    blocks.append(context(f"Meeting ID `{format_meeting_id(row.meeting_id)}` · reminder #{row.id}"))
    fallback = f"{'(delayed) ' if delayed else ''}{escape(row.topic)} starts {soon}"
    return message(fallback, blocks)


def missed_notice(row: ReminderRow) -> SlackMessage:
    """To the owner: the reminder could not go out before the meeting began."""
    when = date_token(row.meeting_start_at, "{date_short_pretty} at {time}", fallback_tz=UTC)
    text = (
        f":warning: Your reminder *#{row.id}* for *{escape(row.topic)}* ({when}) was not posted in "
        f"{_channel(row.channel_id)}: zoombot was unavailable until after the meeting had started."
    )
    return message(f"Reminder #{row.id} missed", [section(text)])


def failed_notice(row: ReminderRow, slack_error: str) -> SlackMessage:
    """To the owner: Slack refused the channel post for good."""
    fixes = {
        "not_in_channel": "Invite zoombot to the channel (`/invite @zoombot`), then set the reminder again.",
        "channel_not_found": "The channel is gone or private; pick another with `/zoom remind`.",
        "is_archived": "The channel is archived; pick another with `/zoom remind`.",
    }
    fix = fixes.get(slack_error, "Set it again with `/zoom remind`, perhaps in another channel.")
    text = (
        f":warning: Your reminder *#{row.id}* for *{escape(row.topic)}* could not be posted in "
        f"{_channel(row.channel_id)} (Slack said `{escape(slack_error)}`). {fix}"
    )
    return message(f"Reminder #{row.id} not posted", [section(text)])


def digest(meetings: Sequence[MeetingLike], *, day: date, tz: tzinfo, now: datetime) -> SlackMessage:
    """The morning DM: the day's meetings, each with a Join button."""
    title = f"Your Zoom meetings today, {day:%A %d %B}"
    blocks: list[Block] = [header(title)]
    if not meetings:
        blocks.append(section("No Zoom meetings today. Enjoy the focus time."))
        return message(f"{title}: none", blocks)
    for meeting in meetings[:MAX_DIGEST_MEETINGS]:
        start = _start_on_or_after(meeting, now)
        when = date_token(start, "{time}", fallback_tz=tz) if start is not None else "No fixed time"
        line = f"*{escape(meeting.topic)}*\n{when} · ID `{format_meeting_id(meeting.id)}`"
        join = (
            button(
                "Join", action_id=ACTION_JOIN, url=meeting.join_url, value=str(meeting.id), style="primary"
            )
            if _is_url(meeting.join_url)
            else None
        )
        blocks.append(section(line, accessory=join))
    hidden = len(meetings) - MAX_DIGEST_MEETINGS
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more. `/zoom list today` shows them all."))
    count = f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''}"
    return message(f"{title}: {count}", blocks)


def _start_on_or_after(meeting: MeetingLike, now: datetime) -> datetime | None:
    # A recurring meeting's line shows today's occurrence, not the series' first start.
    for occurrence in meeting.occurrences:
        if occurrence.start_time is not None and occurrence.start_time >= now:
            return occurrence.start_time
    return meeting.start_time
