"""The caller's reminders (`/zoom reminders`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.slack.mrkdwn import channel_mention, date_token, escape, format_meeting_id
from bot.slack.views._blocks import MAX_MESSAGE_BLOCKS, Block, SlackMessage, context, header, message, section
from bot.slack.views._types import ReminderLike

MAX_REMINDERS_SHOWN = MAX_MESSAGE_BLOCKS - 5


def _line(reminder: ReminderLike, viewer_tz: tzinfo) -> str:
    when = date_token(reminder.fire_at, "{date_short_pretty} at {time}", fallback_tz=viewer_tz)
    channel_id = reminder.channel_id
    channel = channel_mention(channel_id, channel_id)
    return (
        f"*#{reminder.id}* · *{escape(reminder.topic)}* (`{format_meeting_id(reminder.meeting_id)}`)\n"
        f"{reminder.minutes_before} min before, in {channel} · posts {when}"
        + (" · then before each later occurrence" if reminder.repeats else "")
    )


def reminder_list(reminders: Sequence[ReminderLike], *, viewer_tz: tzinfo) -> SlackMessage:
    blocks: list[Block] = [header("Your reminders")]
    if not reminders:
        blocks.append(section("No reminders. Add one with `/zoom remind &lt;meeting-id&gt; 10m #channel`."))
        return message("Your reminders: none", blocks)
    for reminder in reminders[:MAX_REMINDERS_SHOWN]:
        blocks.append(section(_line(reminder, viewer_tz)))
    hidden = len(reminders) - MAX_REMINDERS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more."))
    blocks.append(context("Cancel one with `/zoom reminders cancel &lt;number&gt;`."))
    return message(f"Your reminders: {len(reminders)}", blocks)
