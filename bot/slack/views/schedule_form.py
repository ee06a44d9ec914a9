"""The `/zoom schedule` form (no arguments) and reading what the user submitted.

Block and action ids are constants so the view-submission listener and tests agree.
The submission's errors are keyed by block id, ready for
``ack(response_action="errors", errors=...)``.

"Repeats" turns the date and time into the same :class:`~bot.services.when.Repeat` that
`/zoom schedule … every …` reads, starting on the chosen date; "Host" names whom to schedule
for, as `host …` does: in user mode a choice among the people who gave the caller scheduling
privilege in Zoom (added once Zoom has said who they are), in account mode any Slack user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.when import MAX_DURATION, WORKWEEK, Repeat, WhenError, local_datetime
from bot.slack.grammar.commands import HostRef
from bot.slack.views._blocks import plain
from bot.slack.views._types import DelegateLike

CALLBACK_ID = "schedule_meeting"
BLOCK_TOPIC, ACTION_TOPIC = "topic", "topic_input"
BLOCK_DATE, ACTION_DATE = "date", "date_picker"
BLOCK_TIME, ACTION_TIME = "time", "time_picker"
BLOCK_DURATION, ACTION_DURATION = "duration", "duration_select"
BLOCK_AGENDA, ACTION_AGENDA = "agenda", "agenda_input"
BLOCK_CHANNEL, ACTION_CHANNEL = "reminder_channel", "reminder_channel_select"
BLOCK_REPEAT, ACTION_REPEAT = "repeats", "repeats_select"
BLOCK_HOST, ACTION_HOST = "host", "host_select"

# "Repeats": value → label; each but "none" becomes the rule `every …` would read.
REPEATS = {
    "none": "Does not repeat",
    "weekdays": "Every weekday (Mon–Fri)",
    "weekly": "Every week on that day",
    "biweekly": "Every 2 weeks on that day",
    "monthly": "Every month on that date",
}
HOST_ME = "me"  # the host select's first option: the caller hosts
MAX_HOST_OPTIONS = 100  # Slack's limit for a static select

DURATION_CHOICES = (15, 30, 45, 60, 90, 120, 180, 240)
DEFAULT_DURATION = 30
MAX_TOPIC = 200  # Zoom's limits
MAX_AGENDA = 2000
MAX_PRIVATE_METADATA = 3000


def _duration_option(minutes: int) -> dict[str, Any]:
    label = f"{minutes} min" if minutes < 60 or minutes % 60 else f"{minutes // 60} h"
    if minutes > 60 and minutes % 60:
        label = f"{minutes // 60} h {minutes % 60} min"
    return {"text": plain(label), "value": str(minutes)}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
    }
    if optional:
        block["optional"] = True
    return block


def _repeat_option(value: str) -> dict[str, Any]:
    return {"text": plain(REPEATS[value], 75), "value": value}


def host_choices(delegates: Sequence[DelegateLike]) -> dict[str, Any]:
    """User mode: the people who gave the caller scheduling privilege (by Zoom e-mail), after "Me"."""
    me = {"text": plain("Me", 75), "value": HOST_ME}
    options = [me] + [
        {"text": plain(d.email, 75), "value": d.email[:150]}
        for d in delegates[: MAX_HOST_OPTIONS - 1]
        if d.email
    ]
    return {"type": "static_select", "action_id": ACTION_HOST, "options": options, "initial_option": me}


def host_anyone() -> dict[str, Any]:
    """Account mode: any Slack user (their Slack e-mail names their Zoom user, as for callers)."""
    return {"type": "users_select", "action_id": ACTION_HOST, "placeholder": plain("Me", 150)}


def schedule_modal(
    *,
    initial_channel: str | None,
    tz_name: str,
    private_metadata: str,
    initial_date: date | None = None,
    host_element: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``views.open`` payload. ``private_metadata`` carries context (views have no channel).

    ``host_element`` (:func:`host_choices` or :func:`host_anyone`) adds the Host field."""
    if len(private_metadata) > MAX_PRIVATE_METADATA:
        raise ValueError("private_metadata is over Slack's 3000 characters")
    date_picker: dict[str, Any] = {"type": "datepicker", "action_id": ACTION_DATE}
    if initial_date is not None:
        date_picker["initial_date"] = initial_date.isoformat()
    channel_select: dict[str, Any] = {"type": "conversations_select", "action_id": ACTION_CHANNEL}
    if initial_channel:
        channel_select["initial_conversation"] = initial_channel
    else:
        channel_select["default_to_current_conversation"] = True
    blocks = [
        _input(
            BLOCK_TOPIC,
            "Topic",
            {
                "type": "plain_text_input",
                "action_id": ACTION_TOPIC,
                "max_length": MAX_TOPIC,
                "placeholder": plain("Design review", 150),
            },
        ),
        _input(BLOCK_DATE, "Date", date_picker),
        _input(
            BLOCK_TIME,
            f"Time ({tz_name})",
            {"type": "timepicker", "action_id": ACTION_TIME, "timezone": tz_name},
        ),
        _input(
            BLOCK_DURATION,
            "Duration",
            {
                "type": "static_select",
                "action_id": ACTION_DURATION,
                "options": [_duration_option(m) for m in DURATION_CHOICES],
                "initial_option": _duration_option(DEFAULT_DURATION),
            },
        ),
        _input(
            BLOCK_AGENDA,
            "Agenda",
            {
                "type": "plain_text_input",
                "action_id": ACTION_AGENDA,
                "multiline": True,
                "max_length": MAX_AGENDA,
            },
            optional=True,
        ),
        _input(
            BLOCK_REPEAT,
            "Repeats",
            {
                "type": "static_select",
                "action_id": ACTION_REPEAT,
                "options": [_repeat_option(value) for value in REPEATS],
                "initial_option": _repeat_option("none"),
            },
        ),
        _input(BLOCK_CHANNEL, "Post a reminder in", channel_select, optional=True),
    ]
    if host_element is not None:
        blocks.insert(-1, _input(BLOCK_HOST, "Host", host_element, optional=True))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Schedule a meeting", 24),
        "submit": plain("Schedule", 24),
        "close": plain("Cancel", 24),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


@dataclass(frozen=True)
class ScheduleForm:
    topic: str
    start: datetime  # aware, in the caller's zone
    duration: int  # minutes, as Zoom counts it
    agenda: str | None
    channel: str | None  # id of the channel to post a reminder in; None: no reminder
    repeat: Repeat | None = None  # a series from ``start`` on; None: once
    host: HostRef | None = None  # scheduling for someone else; None: the caller hosts


def _value(values: Mapping[str, Any], block_id: str, action_id: str, key: str) -> Any:
    block = values.get(block_id)
    action = block.get(action_id) if isinstance(block, Mapping) else None
    return action.get(key) if isinstance(action, Mapping) else None


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def parse_schedule_submission(
    view_state: Mapping[str, Any], *, tz: ZoneInfo, now: datetime
) -> ScheduleForm | dict[str, str]:
    """Read ``view["state"]`` (or its ``values``); a dict of block id → error when something is off."""
    values = view_state.get("values", view_state)
    if not isinstance(values, Mapping):
        values = {}
    errors: dict[str, str] = {}

    topic = _text(_value(values, BLOCK_TOPIC, ACTION_TOPIC, "value"))
    if not topic:
        errors[BLOCK_TOPIC] = "Give the meeting a topic."
    elif len(topic) > MAX_TOPIC:
        errors[BLOCK_TOPIC] = f"Zoom allows at most {MAX_TOPIC} characters."

    day: date | None = None
    try:
        day = date.fromisoformat(_text(_value(values, BLOCK_DATE, ACTION_DATE, "selected_date")))
    except ValueError:
        errors[BLOCK_DATE] = "Pick a date."

    clock: time | None = None
    raw_time = _text(_value(values, BLOCK_TIME, ACTION_TIME, "selected_time"))
    if re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", raw_time):
        clock = time.fromisoformat(raw_time)
    else:
        errors[BLOCK_TIME] = "Pick a time."

    duration: int | None = None
    option = _value(values, BLOCK_DURATION, ACTION_DURATION, "selected_option")
    raw_duration = option.get("value") if isinstance(option, Mapping) else None
    if isinstance(raw_duration, str) and raw_duration.isascii() and raw_duration.isdigit():
        duration = int(raw_duration)
    if duration is None or not 1 <= duration <= MAX_DURATION:
        errors[BLOCK_DURATION] = "Pick how long the meeting lasts."

    agenda = _text(_value(values, BLOCK_AGENDA, ACTION_AGENDA, "value")) or None
    if agenda is not None and len(agenda) > MAX_AGENDA:
        errors[BLOCK_AGENDA] = f"Zoom allows at most {MAX_AGENDA} characters."

    channel = _text(_value(values, BLOCK_CHANNEL, ACTION_CHANNEL, "selected_conversation")) or None

    start: datetime | None = None
    if day is not None and clock is not None:
        try:
            start = local_datetime(day, clock, tz)
        except WhenError as error:
            errors[BLOCK_TIME] = error.message
        except OverflowError:
            errors[BLOCK_DATE] = "Pick a date in the next few years."
        else:
            if start.astimezone(UTC) <= now.astimezone(UTC):  # instants, not wall clocks
                errors[BLOCK_TIME] = "That time is in the past."

    repeat: Repeat | None = None
    repeats = _value(values, BLOCK_REPEAT, ACTION_REPEAT, "selected_option")
    repeats_value = repeats.get("value") if isinstance(repeats, Mapping) else "none"
    if repeats_value not in REPEATS:
        errors[BLOCK_REPEAT] = "Pick how the meeting repeats."
    elif day is not None and clock is not None and repeats_value != "none":
        repeat = _repeat(str(repeats_value), day, clock, duration)
        if repeats_value == "weekdays" and day.weekday() not in WORKWEEK:
            errors[BLOCK_REPEAT] = (
                f"A weekday series starts on a weekday, and {day:%A} is not one: "
                "pick a Monday to Friday, or repeat every week on that day."
            )

    host = _host(values)

    if errors or start is None or duration is None:
        return errors
    return ScheduleForm(topic, start, duration, agenda, channel, repeat, host)


def _repeat(choice: str, day: date, clock: time, duration: int | None) -> Repeat:
    """The rule `every …` would read for this choice, its first meeting on ``day``."""
    common: dict[str, Any] = {"clock": clock, "duration": duration, "from_day": day}
    if choice == "weekdays":
        return Repeat("weekly", weekdays=WORKWEEK, **common)
    if choice == "monthly":
        return Repeat("monthly", month_day=day.day, **common)
    interval = 2 if choice == "biweekly" else 1
    return Repeat("weekly", interval=interval, weekdays=frozenset({day.weekday()}), **common)


def _host(values: Mapping[str, Any]) -> HostRef | None:
    user = _text(_value(values, BLOCK_HOST, ACTION_HOST, "selected_user"))
    if user:
        return HostRef(label="the host you picked", slack_user_id=user)
    option = _value(values, BLOCK_HOST, ACTION_HOST, "selected_option")
    email = _text(option.get("value")) if isinstance(option, Mapping) else ""
    if email and email != HOST_ME:
        return HostRef(label=email, email=email)
    return None
