"""Workflow Builder: the custom step "Create a Zoom meeting" (callback id ``create_zoom_meeting``).

Slack runs the step by sending a ``function_executed`` event (Bolt acks it at once); the
listener creates the meeting with the host's Zoom and ends the step with Bolt's ``complete``
(``functions.completeSuccess`` with the outputs) or ``fail`` (``functions.completeError`` with
a plain-text reason: the workflow's runner reads it in Slack, where no mrkdwn renders).
Both calls go out with the execution's own token, which Bolt puts on the client itself.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail

from bot.slack.capacity import Overloaded
from bot.slack.deps import deps_of
from bot.slack.grammar.step_inputs import read_step_inputs
from bot.slack.handlers import workflow_step
from bot.slack.handlers.caller import Caller
from bot.slack.hints import Hint, StepInputError, hint_for, step_host_not_linked_hint
from bot.slack.listeners.run import failure_hint, with_deadline
from bot.zoom.errors import NotLinkedError

log = logging.getLogger(__name__)

CREATE_MEETING_STEP = "create_zoom_meeting"  # the manifest's functions key (the contract's name)
OPERATION = "create the workflow's Zoom meeting"
LABEL = "WorkflowStep"


def register(app: AsyncApp) -> None:
    app.function(CREATE_MEETING_STEP)(create_zoom_meeting)


async def create_zoom_meeting(
    inputs: dict[str, Any],
    body: dict[str, Any],
    context: AsyncBoltContext,
    complete: AsyncComplete,
    fail: AsyncFail,
) -> None:
    deps = deps_of(context)
    try:
        step = read_step_inputs(inputs or {})
    except StepInputError as error:
        log.info("workflow step inputs refused: %s", error.message)
        await _end(fail, hint_for(error, mode=deps.mode))
        return
    if not deps.commands.try_admit():
        deps.commands.refusals_to_log(time.monotonic())
        await _end(fail, hint_for(Overloaded(), mode=deps.mode))
        return
    try:
        team_id = str(context.team_id or body.get("team_id") or "")
        ctx = Caller(deps=deps, team_id=team_id, user_id=step.host_user_id, channel_id="")
        try:
            outputs = await with_deadline(workflow_step.create_meeting(step, ctx), OPERATION)
        except NotLinkedError:
            log.info("workflow step: host %s has not linked Zoom", step.host_user_id)
            deps.metrics.commands.labels(subcommand=LABEL, outcome="error").inc()
            await _end(fail, step_host_not_linked_hint(await _host_name(ctx)))
            return
        except Exception as error:  # every failure ends the step with a reason, never silently
            await _end(fail, await failure_hint(error, OPERATION, ctx, LABEL))
            return
        deps.metrics.commands.labels(subcommand=LABEL, outcome="ok").inc()
        try:
            await complete(outputs=outputs)
        except Exception as error:  # the meeting exists; only Slack's record of the step is missing
            log.warning("could not complete the workflow step: %s", type(error).__name__)
    finally:
        deps.commands.release()


async def _host_name(ctx: Caller) -> str:
    try:
        return (await ctx.person()).name
    except Exception:  # the name is a courtesy; the mention still says who
        return f"<@{ctx.user_id}>"


async def _end(fail: AsyncFail, hint: Hint) -> None:
    try:
        await fail(hint.plain())
    except Exception as error:  # Slack unreachable: the workflow shows the step as timed out
        log.warning("could not fail the workflow step: %s", type(error).__name__)
