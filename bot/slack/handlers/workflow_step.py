"""The Workflow Builder step "Create a Zoom meeting": the host's Zoom creates it, the outputs go back.

The same service paths as `/zoom new` (no start, or a start that has just passed) and
`/zoom schedule` (a start ahead): the host's own link in user mode, the account in account
mode, the host's Slack time zone for Zoom's ``timezone``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.services.when import MAX_AHEAD
from bot.slack.grammar.step_inputs import StepInputs
from bot.slack.handlers.caller import Caller
from bot.slack.hints import StepInputError

# A workflow that passes "when the workflow started" as Start hands us a moment that has
# just gone by; up to this long ago it means "now", older is a mistake worth saying.
JUST_PASSED = timedelta(minutes=10)


def step_start(start: datetime | None, now: datetime, tz: tzinfo) -> datetime | None:
    """The start to schedule, or None for a meeting that starts now; raises for one long gone."""
    if start is None or start <= now:
        if start is not None and start < now - JUST_PASSED:
            local = start.astimezone(tz)
            shown = f"{local:%a %d %b %Y %H:%M} {local.tzname() or ''}".strip()
            raise StepInputError("Start", f"The step's Start, {shown}, is in the past.")
        return None
    if start > now + MAX_AHEAD:
        raise StepInputError("Start", "Zoom schedules meetings at most five years ahead.")
    return start


async def create_meeting(step: StepInputs, ctx: Caller) -> dict[str, Any]:
    """The step's outputs: ``join_url``, ``meeting_id`` (text: Zoom ids outgrow some integers),
    ``start_time`` (Unix seconds)."""
    now = ctx.now()
    person = await ctx.person()
    start = step_start(step.start, now, person.tz)
    zoom = await ctx.zoom()
    if start is None:
        meeting = await zoom.create_instant(step.topic, duration=step.duration)
    else:
        meeting = await zoom.create_scheduled(
            step.topic, start=start, duration=step.duration, tz_name=person.tz_name
        )
    begins = meeting.start_time or start or now
    return {
        "join_url": meeting.join_url,
        "meeting_id": str(meeting.id),
        "start_time": int(begins.timestamp()),
    }
