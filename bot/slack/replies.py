"""What a `/zoom` handler hands back, and how it reaches Slack.

Handlers return a :class:`Outcome`: an ephemeral reply for the caller and, sometimes,
a message for the channel. Delivery (``respond`` vs ``chat.postMessage``) lives here so
handlers stay free of Slack plumbing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.slack.views import SlackMessage

log = logging.getLogger(__name__)

WORKING_NOTICE_AFTER = 1.5  # seconds before the caller is told we are still at it


@dataclass(frozen=True)
class Outcome:
    private: SlackMessage | None = None  # only the caller sees it
    public: SlackMessage | None = None  # posted in the channel
    after_public: Callable[[str, str], Awaitable[None]] | None = field(default=None, compare=False)
    # after_public(channel_id, ts) lets a handler remember the channel message (e.g. to update it later)


Respond = Callable[..., Awaitable[Any]]


async def with_working_notice(
    work: Awaitable[Outcome], respond: Respond, *, after: float = WORKING_NOTICE_AFTER
) -> tuple[Outcome, bool]:
    """Await ``work``; if it takes longer than ``after`` seconds, tell the caller once.

    Returns the outcome and whether a working notice was sent (then the final reply
    replaces it). The work runs in the caller's own task and a timer starts the notice
    beside it only when the work is slow: most commands answer well within ``after``, and
    a second task per command (with ``asyncio.wait`` around it) cost CPU on every one.
    Whatever follows (the reply, or the hint for a failure) goes out after the notice.
    """
    loop = asyncio.get_running_loop()
    notice: asyncio.Task[None] | None = None

    def start_notice() -> None:
        nonlocal notice
        notice = loop.create_task(_send_working_notice(respond))

    timer = loop.call_later(after, start_notice)
    try:
        outcome = await work
    finally:
        timer.cancel()
        if notice is not None:
            await notice
    return outcome, notice is not None


async def _send_working_notice(respond: Respond) -> None:
    try:
        await respond(text=":hourglass_flowing_sand: Working on it… Zoom is taking a moment.")
    except Exception:
        log.warning("could not send the working notice", exc_info=True)
