"""Run the bot with a proposed fix applied, to measure it before it lands in `bot/`.

    python bench/candidate_patches.py --patch reply-pool --patch command-limit serve --port 3000

Each patch here mirrors, by monkeypatching at start-up, a change proposed for the bot's own
code; the benchmark runs it with ``bench/ack_latency.py --patch NAME``. Nothing in `bot/`
imports this module.

- ``reply-pool``: a reply waits for a free connection of the response_url client instead of
  being dropped after 5 s (httpx's pool timeout). A response_url stays valid for 30 minutes,
  so waiting is right; dropping loses the answer for good.
- ``command-limit``: at most ``COMMAND_LIMIT`` commands do their work (Zoom call, replies)
  at once per process; the rest wait on a semaphore after their ack. Queued in a semaphore
  they cost nothing, whereas queued inside httpx's connection pool every state change
  rescans every waiting request (quadratic under a burst).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COMMAND_LIMIT = 32


def reply_pool() -> None:
    import httpx

    from bot.slack import response_urls

    def init(self: response_urls.ResponseUrls, *, timeout: float = 5.0) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=3.0, pool=None),  # the patch: pool=None
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    response_urls.ResponseUrls.__init__ = init  # type: ignore[method-assign]


def command_limit() -> None:
    from bot.slack.listeners import actions, commands, view_submissions

    original = commands.run_and_reply
    slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    async def limited(work: Awaitable[Any], **kwargs: Any) -> None:
        slot = slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(COMMAND_LIMIT))
        async with slot:
            await original(work, **kwargs)

    for module in (commands, actions, view_submissions):
        module.run_and_reply = limited  # type: ignore[attr-defined]


PATCHES: dict[str, Callable[[], None]] = {"reply-pool": reply_pool, "command-limit": command_limit}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patch", action="append", choices=sorted(PATCHES), default=[])
    args, rest = parser.parse_known_args()
    for name in args.patch:
        PATCHES[name]()
    from bot.cli import main as bot_main

    return bot_main(rest)


if __name__ == "__main__":
    raise SystemExit(main())
