"""`workflow run topic=… [start=…] [duration=…] [host=@bob]`: run zoombot's Workflow Builder step.

The sandbox plays a published workflow that reaches the step "Create a Zoom meeting": the Slack
stand-in sends the signed ``function_executed`` event (the current person as the one who ran
it) and the session prints how the step ended: its outputs, or the reason it failed.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.clock import parse_wait

STEP = "create_zoom_meeting"
USAGE = 'workflow run topic="Weekly sync" [start=+2h|2030-01-31T10:00] [duration=45] [host=@bob]'


def step_inputs(text: str, *, now: datetime, tz: str, user_ids: dict[str, str]) -> dict[str, Any]:
    """The step's inputs from ``key=value`` words; raises ValueError saying what to type."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise ValueError(f"close the quotes: {USAGE}") from None
    inputs: dict[str, Any] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in ("topic", "start", "duration", "host"):
            raise ValueError(f"unknown input {word!r}: {USAGE}")
        if key == "topic":
            inputs["topic"] = value
        elif key == "duration":
            inputs["duration"] = int(value) if value.isdigit() else value  # the bot judges it
        elif key == "host":
            inputs["host"] = user_ids.get(value.lstrip("@").lower(), value)
        else:
            inputs["start_time"] = int(_start(value, now, tz).timestamp())
    if "topic" not in inputs:
        raise ValueError(f"give the meeting a topic: {USAGE}")
    return inputs


def _start(value: str, now: datetime, tz: str) -> datetime:
    if value.startswith("+"):
        return now + parse_wait(value[1:])
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"start is +30m, +2h, +1d or like 2030-01-31T10:00: {USAGE}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def describe_end(state: str, outputs: dict[str, Any] | None, error: str | None, tz: str) -> str:
    """How the step ended, as the workflow's next step (or its runner) would see it."""
    if state == "completed" and outputs is not None:
        start = datetime.fromtimestamp(int(outputs["start_time"]), tz=ZoneInfo(tz))
        return (
            "[workflow] step completed\n"
            f"  join_url   = {outputs['join_url']}\n"
            f"  meeting_id = {outputs['meeting_id']}\n"
            f"  start_time = {outputs['start_time']} ({start:%a %d %b %Y %H:%M %Z})"
        )
    return f"[workflow] step failed: {error}"
