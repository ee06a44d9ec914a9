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
    replaces it).
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=after)
    if done:
        return task.result(), False
    try:
        await respond(text=":hourglass_flowing_sand: Working on it… Zoom is taking a moment.")
    except Exception:
        log.warning("could not send the working notice", exc_info=True)
    return await task, True
