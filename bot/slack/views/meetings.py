"""Meeting cards, lists, details and the cancel confirmation.

The host's ``start_url`` is a credential (anyone holding it starts the meeting as the
host), so it appears in exactly one builder, :func:`start_link_ephemeral`, whose output
the caller sends only to the host.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from bot.slack.mrkdwn import date_token, escape, format_meeting_id
from bot.slack.views._blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    fields_section,
    header,
    message,
    section,
)
from bot.slack.views._types import MeetingLike, OccurrenceLike
from bot.slack.views.repeat_rules import describe_zoom_rule
from bot.zoom.models import Recurrence

ACTION_JOIN = "join_meeting"  # a URL button: the listener only needs to ack it
ACTION_START = "start_meeting"  # likewise; host only
ACTION_CANCEL_CONFIRM = "cancel_meeting_confirm"  # value: the meeting id
ACTION_CANCEL_ABORT = "cancel_meeting_abort"  # value: the meeting id
ACTION_CANCEL_OCCURRENCE = "cancel_occurrence_confirm"  # value: "<meeting id>:<occurrence id>"
BLOCK_CANCEL = "cancel_meeting"

INSTANT, SCHEDULED, RECURRING_NO_TIME, RECURRING = 1, 2, 3, 8
MAX_LIST_ITEMS = MAX_MESSAGE_BLOCKS - 5  # header, "and N more", and room to spare
MAX_OCCURRENCES_SHOWN = 5
WHEN_FORMAT = "{date_short_pretty} at {time}"


def _is_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("https://", "http://"))


def next_occurrence(meeting: MeetingLike, now: datetime | None = None) -> OccurrenceLike | None:
    """The earliest occurrence not deleted and (when ``now`` is given) not yet started."""
    live = [
        o
        for o in meeting.occurrences
        if (start := o.start_time) is not None
        and str(o.status or "").lower() != "deleted"
        and (now is None or start >= now)
    ]
    return min(live, key=lambda o: o.start_time or datetime.max.replace(tzinfo=UTC), default=None)


def describe_when(meeting: MeetingLike, *, viewer_tz: tzinfo, now: datetime | None = None) -> str:
    """When the meeting is, as mrkdwn every reader sees in their own zone."""
    if meeting.type == RECURRING_NO_TIME:
        return "Recurring, no fixed time"
    start = meeting.start_time
    duration = meeting.duration
    recurring = meeting.type == RECURRING
    if recurring and (occurrence := next_occurrence(meeting, now)) is not None:
        start = occurrence.start_time
        duration = occurrence.duration or duration
    if start is None:
        return "Recurring" if recurring else "Now"
    text = date_token(start, WHEN_FORMAT, fallback_tz=viewer_tz)
    if recurring:
        text = "Next: " + text
    if duration:
        text += f" · {duration} min"
    if recurring:
        text += f" · {repeats_phrase(meeting) or 'recurring'}"
    return text


def repeats_phrase(meeting: MeetingLike) -> str | None:
    """``repeats every weekday`` for a series whose rule we know (list items carry none)."""
    recurrence = getattr(meeting, "recurrence", None)  # fakes and list items may have none
    if not isinstance(recurrence, Recurrence):
        return None
    rule = describe_zoom_rule(recurrence)
    return f"repeats {rule}" if rule else None


def _remaining(meeting: MeetingLike, now: datetime | None) -> list[datetime]:
    return [
        start
        for o in meeting.occurrences
        if (start := o.start_time) is not None
        and str(o.status or "").lower() != "deleted"
        and (now is None or start >= now)
    ]


def join_button(meeting: MeetingLike) -> Block | None:
    if not _is_url(meeting.join_url):
        return None
    return button("Join", action_id=ACTION_JOIN, url=meeting.join_url, value=str(meeting.id), style="primary")


def meeting_line(meeting: MeetingLike, *, viewer_tz: tzinfo, now: datetime | None) -> str:
    when = describe_when(meeting, viewer_tz=viewer_tz, now=now)
    return f"*{escape(meeting.topic)}*\n{when} · ID `{format_meeting_id(meeting.id)}`"


def meeting_card(meeting: MeetingLike, *, viewer_tz: tzinfo, for_channel: bool) -> SlackMessage:
    """The meeting with a Join button. ``for_channel``: the public post (no agenda); never the start URL."""
    blocks: list[Block] = [
        section(meeting_line(meeting, viewer_tz=viewer_tz, now=None), accessory=join_button(meeting))
    ]
    if not for_channel and meeting.agenda:
        blocks.append(context(escape(meeting.agenda)))
    return message(f"Zoom meeting: {escape(meeting.topic)}", blocks)


def start_link_ephemeral(meeting: MeetingLike) -> SlackMessage:
    """The host's start link — send this to the host only (it starts the meeting as them)."""
    text = (
        f"Your host link for *{escape(meeting.topic)}*. It starts the meeting as you, so don't share it; "
        "it stops working after about 2 hours (`/zoom show` gets a fresh one)."
    )
    start = (
        button("Start as host", action_id=ACTION_START, url=meeting.start_url, value=str(meeting.id))
        if _is_url(meeting.start_url)
        else None
    )
    return message(f"Your host link for {escape(meeting.topic)}", [section(text, accessory=start)])


def meeting_list(
    meetings: Sequence[MeetingLike],
    *,
    viewer_tz: tzinfo,
    title: str,
    now: datetime | None = None,
) -> SlackMessage:
    """Meetings with Join buttons; past :data:`MAX_LIST_ITEMS` the rest is counted, not shown."""
    blocks: list[Block] = [header(title)]
    if not meetings:
        blocks.append(section("No meetings. Start one with `/zoom new` or plan one with `/zoom schedule`."))
        return message(f"{escape(title)}: no meetings", blocks)
    shown = meetings[:MAX_LIST_ITEMS]
    for meeting in shown:
        line = meeting_line(meeting, viewer_tz=viewer_tz, now=now)
        blocks.append(section(line, accessory=join_button(meeting)))
    hidden = len(meetings) - len(shown)
    if hidden:
        blocks.append(context(f"…and {hidden} more. Narrow it down with `/zoom list today`."))
    count = f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''}"
    return message(f"{escape(title)}: {count}", blocks)


def meeting_details(meeting: MeetingLike, *, viewer_tz: tzinfo, now: datetime | None = None) -> SlackMessage:
    """Everything about one meeting (for the caller): time, zone, id, agenda, next occurrences."""
    fields = [
        f"*When*\n{describe_when(meeting, viewer_tz=viewer_tz, now=now)}",
        f"*Meeting ID*\n`{format_meeting_id(meeting.id)}`",
    ]
    if meeting.duration:
        fields.append(f"*Duration*\n{meeting.duration} min")
    if meeting.timezone:
        fields.append(f"*Time zone*\n{escape(meeting.timezone)}")
    if meeting.status:
        fields.append(f"*Status*\n{escape(str(meeting.status))}")
    upcoming = sorted(_remaining(meeting, now))
    if meeting.type == RECURRING and (phrase := repeats_phrase(meeting)) is not None:
        last = date_token(upcoming[-1], "{date_short_pretty}", fallback_tz=viewer_tz) if upcoming else None
        left = f"\n{len(upcoming)} left, the last on {last}" if last else ""
        fields.append(f"*Repeats*\n{phrase.removeprefix('repeats ')}{left}")
    blocks: list[Block] = [header(meeting.topic), fields_section(fields)]
    if meeting.agenda:
        blocks.append(section(f"*Agenda*\n{escape(meeting.agenda)}"))
    if upcoming:
        lines = [date_token(start, WHEN_FORMAT, fallback_tz=viewer_tz) for start in upcoming]
        more = len(lines) - MAX_OCCURRENCES_SHOWN
        text = "*Upcoming*\n" + "\n".join(lines[:MAX_OCCURRENCES_SHOWN])
        if more > 0:
            text += f"\n…and {more} more"
        blocks.append(section(text))
    join = join_button(meeting)
    if join is not None:
        blocks.append(actions(join))
    return message(f"Zoom meeting: {escape(meeting.topic)}", blocks)


def cancel_confirm(
    meeting: MeetingLike, *, viewer_tz: tzinfo | None = None, now: datetime | None = None
) -> SlackMessage:
    """Ask before deleting; the buttons' values carry the meeting (and occurrence) id.

    A series offers two explicit choices: only its next occurrence, or all N of them.
    """
    when = describe_when(meeting, viewer_tz=viewer_tz, now=now) if viewer_tz is not None else None
    value = str(meeting.id)
    keep = button("Keep it", action_id=ACTION_CANCEL_ABORT, value=value)
    head = f"Cancel *{escape(meeting.topic)}*" + (f" ({when})" if when else "") + "?"
    following = next_occurrence(meeting, now) if meeting.type == RECURRING else None
    if following is not None and following.start_time is not None:
        count = len(_remaining(meeting, now))
        on = date_token(following.start_time, WHEN_FORMAT, fallback_tz=viewer_tz or UTC)
        text = (
            f"{head} It's a series. *Cancel next only* removes the one on {on} and keeps the rest; "
            f"*Cancel all {count} occurrences* deletes the whole series. Zoom deletes it for everyone."
        )
        buttons = actions(
            button(
                "Cancel next only",
                action_id=ACTION_CANCEL_OCCURRENCE,
                value=f"{meeting.id}:{following.occurrence_id}",
            ),
            button(
                f"Cancel all {count} occurrences",
                action_id=ACTION_CANCEL_CONFIRM,
                value=value,
                style="danger",
            ),
            keep,
            block_id=BLOCK_CANCEL,
        )
        return message(f"Cancel {escape(meeting.topic)}?", [section(text), buttons])
    series = " This deletes the whole series." if meeting.type in (RECURRING, RECURRING_NO_TIME) else ""
    text = f"{head}{series} Zoom deletes it for everyone."
    buttons = actions(
        button("Cancel meeting", action_id=ACTION_CANCEL_CONFIRM, value=value, style="danger"),
        keep,
        block_id=BLOCK_CANCEL,
    )
    return message(f"Cancel {escape(meeting.topic)}?", [section(text), buttons])


def meeting_list_title(period: str, host: str | None = None) -> str:
    """The title of `/zoom list [today|tomorrow|week] [host @dana]`."""
    if period == "today":
        return f"{host}'s meetings today" if host else "Today's meetings"
    if period == "tomorrow":
        return f"{host}'s meetings tomorrow" if host else "Tomorrow's meetings"
    return f"{host}'s meetings in the next 7 days" if host else "Your meetings in the next 7 days"
