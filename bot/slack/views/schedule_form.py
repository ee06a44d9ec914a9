"""The `/zoom schedule` form (no arguments) and reading what the user submitted.

Block and action ids are constants so the view-submission listener and tests agree.
The submission's errors are keyed by block id, ready for
``ack(response_action="errors", errors=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.when import MAX_DURATION, WhenError, local_datetime
from bot.slack.views._blocks import plain

CALLBACK_ID = "schedule_meeting"
BLOCK_TOPIC, ACTION_TOPIC = "topic", "topic_input"
BLOCK_DATE, ACTION_DATE = "date", "date_picker"
BLOCK_TIME, ACTION_TIME = "time", "time_picker"
BLOCK_DURATION, ACTION_DURATION = "duration", "duration_select"
BLOCK_AGENDA, ACTION_AGENDA = "agenda", "agenda_input"
BLOCK_CHANNEL, ACTION_CHANNEL = "reminder_channel", "reminder_channel_select"

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


def schedule_modal(
    *,
    initial_channel: str | None,
    tz_name: str,
    private_metadata: str,
    initial_date: date | None = None,
) -> dict[str, Any]:
    """A ``views.open`` payload. ``private_metadata`` carries context (views have no channel)."""
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
        _input(BLOCK_CHANNEL, "Post a reminder in", channel_select, optional=True),
    ]
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

    if errors or start is None or duration is None:
        return errors
    return ScheduleForm(topic, start, duration, agenda, channel)
