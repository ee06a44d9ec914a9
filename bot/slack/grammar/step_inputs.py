"""The inputs of the Workflow Builder step "Create a Zoom meeting", read into :class:`StepInputs`.

Workflow Builder hands the step what its builder mapped: ``topic`` (text), ``start_time``
(``slack#/types/timestamp``: Unix seconds; empty means "now"), ``duration`` (minutes; empty
means 30), ``host`` (a Slack user id; empty means whoever ran the workflow, which Slack passes
as ``user_context``). No clock here, as in the rest of the grammar: whether the start is
still ahead is the handler's question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.services.when import MAX_DURATION, MIN_DURATION
from bot.slack.hints import StepInputError

DEFAULT_STEP_DURATION = 30  # minutes, as /zoom schedule and the schedule form
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_NUMBER = re.compile(r"\d{1,12}(?:\.\d+)?")


@dataclass(frozen=True)
class StepInputs:
    topic: str
    start: datetime | None  # aware (UTC); None: the meeting starts now
    duration: int  # minutes
    host_user_id: str


def read_step_inputs(inputs: Mapping[str, Any]) -> StepInputs:
    """What the workflow passed, checked; raises :class:`StepInputError` naming the field."""
    topic = inputs.get("topic")
    topic = " ".join(topic.split()) if isinstance(topic, str) else ""
    if not topic:
        raise StepInputError("Topic", "The meeting needs a topic, and the step's Topic is empty.")
    return StepInputs(
        topic, _start(inputs.get("start_time")), _duration(inputs.get("duration")), _host(inputs)
    )


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
        return float(raw.strip())
    return None


def _start(raw: Any) -> datetime | None:
    if raw is None or raw == "" or raw == 0:
        return None
    seconds = _number(raw)
    if seconds is None:
        raise StepInputError("Start", "The step's Start is not a date and time.")
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise StepInputError("Start", "The step's Start is not a date and time.") from None


def _duration(raw: Any) -> int:
    if raw is None or raw == "":
        return DEFAULT_STEP_DURATION
    minutes = _number(raw)
    if minutes is None or minutes != int(minutes) or not MIN_DURATION <= minutes <= MAX_DURATION:
        raise StepInputError(
            "Duration", f"Zoom meetings last {MIN_DURATION} to {MAX_DURATION} whole minutes."
        )
    return int(minutes)


def _host(inputs: Mapping[str, Any]) -> str:
    host = inputs.get("host")
    if host in (None, ""):
        context = inputs.get("user_context")
        host = context.get("id") if isinstance(context, Mapping) else None
        if host in (None, ""):
            raise StepInputError(
                "Host",
                "The step has no Host, and Slack did not say who ran the workflow.",
            )
    if not isinstance(host, str) or not _USER_ID.fullmatch(host):
        raise StepInputError("Host", "The step's Host is not a person in this workspace.")
    return host
