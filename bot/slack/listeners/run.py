"""Run a handler after the ack and deliver its outcome — or the hint for its failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.refusals import Refusal
from bot.services.reminders import ReminderError
from bot.services.when import WhenError
from bot.slack import views
from bot.slack.handlers.caller import Caller
from bot.slack.hints import Hint, StepInputError, UsageError, hint_for, new_reference
from bot.slack.replies import Outcome, Respond, with_working_notice
from bot.slack.response_urls import ResponseUrlError
from bot.store.outage import is_database_outage
from bot.zoom.errors import NotLinkedError, ZoomError, ZoomErrorKind
from bot.zoom.errors import Outcome as ZoomOutcome

log = logging.getLogger(__name__)

T = TypeVar("T")

COMMAND_DEADLINE = 25.0  # seconds; the Zoom client gives up sooner, this is the last guard


async def run_and_reply(
    work: Awaitable[Outcome],
    *,
    operation: str,
    ctx: Caller,
    respond: Respond,
    client: AsyncWebClient,
    label: str,
) -> None:
    """Await the handler, then post its public and private messages; failures become hints.

    Nothing here is held across the Zoom round trip: the command already counts against the
    process's admission bound (``bot/slack/capacity.py``) until its reply is delivered.
    """
    try:
        outcome, noticed = await with_working_notice(with_deadline(work, operation), respond)
        ctx.deps.metrics.commands.labels(subcommand=label, outcome="ok").inc()
    except Exception as error:  # every failure must reach the user as a hint
        outcome, noticed = await _failure(error, operation, ctx, label), False
    try:
        await deliver(outcome, ctx=ctx, respond=respond, client=client, replace=noticed)
    except ResponseUrlError as error:  # its message is written to carry no URL: say what failed
        log.warning("could not deliver the /zoom %s reply: %s", label, error)
    except Exception as error:  # Slack unreachable or refused: nobody left to tell
        log.warning("could not deliver the /zoom %s reply: %s", label, type(error).__name__)


async def with_deadline(work: Awaitable[T], operation: str) -> T:
    try:
        async with asyncio.timeout(COMMAND_DEADLINE):
            return await work
    except TimeoutError:
        raise ZoomError(
            ZoomErrorKind.UNAVAILABLE,
            operation,
            message="Zoom did not answer in time.",
            outcome=ZoomOutcome.UNKNOWN,
        ) from None


async def _failure(error: Exception, operation: str, ctx: Caller, label: str) -> Outcome:
    return Outcome(private=views.hint_message(await failure_hint(error, operation, ctx, label)))


async def failure_hint(error: Exception, operation: str, ctx: Caller, label: str) -> Hint:
    """Log ``error`` as expected, an outage or a bug (with a reference), count it, and word it."""
    expected = isinstance(
        error, ZoomError | Refusal | NotLinkedError | WhenError | UsageError | ReminderError | StepInputError
    )
    outage = not expected and is_database_outage(error)
    reference = None if expected or outage else new_reference()
    if expected:
        log.info("/zoom %s failed for %s: %s", label, ctx.user_id, error)
    elif outage:
        log.warning("/zoom %s not done: the database is not answering (%s)", label, type(error).__name__)
    else:
        log.error("/zoom %s failed unexpectedly [%s]", label, reference, exc_info=error)
    outcome = "error" if expected else "database" if outage else "bug"
    ctx.deps.metrics.commands.labels(subcommand=label, outcome=outcome).inc()
    try:
        tz = (await ctx.person()).tz
    except Exception:
        tz = None
    return hint_for(
        error,
        mode=ctx.mode,
        operation=operation,
        reference=reference,
        **({"tz": tz} if tz is not None else {}),
    )


async def deliver(
    outcome: Outcome, *, ctx: Caller, respond: Respond, client: AsyncWebClient, replace: bool = False
) -> None:
    if outcome.public is not None:
        await _post_public(outcome, ctx=ctx, respond=respond, client=client)
    if outcome.private is not None:
        kwargs: dict[str, Any] = dict(outcome.private)
        if replace:
            kwargs["replace_original"] = True
        await respond(**kwargs)


async def _post_public(outcome: Outcome, *, ctx: Caller, respond: Respond, client: AsyncWebClient) -> None:
    assert outcome.public is not None
    try:
        posted = await client.chat_postMessage(
            channel=ctx.channel_id, thread_ts=ctx.thread_ts, **outcome.public
        )
    except SlackApiError as error:
        # Not a member of a private channel or DM: the response_url still reaches everyone there.
        log.info(
            "chat.postMessage to %s failed (%s); answering in channel instead",
            ctx.channel_id,
            error.response.get("error"),
        )
        await respond(response_type="in_channel", **outcome.public)
        return
    if outcome.after_public is not None:
        try:
            await outcome.after_public(str(posted["channel"]), str(posted["ts"]))
        except Exception:
            log.warning("could not remember the channel post", exc_info=True)
