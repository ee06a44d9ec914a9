"""Run the bot with a proposed fix applied, to measure it before it lands in `bot/`.

    python bench/candidate_patches.py --patch slot-covers-reply serve --port 3000

Each patch here mirrors, by monkeypatching at start-up, a change proposed for the bot's own
code; the benchmark runs it with ``bench/ack_latency.py --patch NAME``. Nothing in `bot/`
imports this module. Patches that have landed in `bot/` are removed from here.

- ``slot-covers-reply``: the whole of a command's after-ack life (Zoom work, the working
  notice, the reply) holds one of ``COMMAND_LIMIT`` slots, not only the Zoom work. With the
  slot around the work alone, a burst of 1,000 commands still sends up to 1,000 working
  notices and replies at once into the response_url client's connection pool, where every
  pool state change rescans every waiting request (quadratic), and the event loop starves.
  Trade-off: a queued command's working notice starts counting when it gets its slot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COMMAND_LIMIT = 32  # the same number as the bot's own COMMAND_SLOTS


def slot_covers_reply() -> None:
    from bot.slack.listeners import actions, commands, view_submissions

    original = commands.run_and_reply
    slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    async def limited(work: Awaitable[Any], **kwargs: Any) -> None:
        slot = slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(COMMAND_LIMIT))
        async with slot:
            await original(work, **kwargs)

    for module in (commands, actions, view_submissions):
        module.run_and_reply = limited  # type: ignore[attr-defined]


PATCHES: dict[str, Callable[[], None]] = {"slot-covers-reply": slot_covers_reply}


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
