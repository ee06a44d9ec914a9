"""The bot with its clock a whole number of days ahead of the wall clock.

Same command line and settings as ``python -m bot``, after ``--days N``. For benchmarks whose
work depends on the day: the digest is due only Monday to Friday in the subscriber's zone,
and from Saturday 12:00 to Sunday 10:00 UTC it is the weekend in every time zone there is
(UTC−12 to UTC+14), so ``bench/digests.py`` moves the bot's days instead.

    python bench/bot_days_ahead.py --days 2 serve --port 3300
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.compose  # noqa: E402
from bot.cli import main  # noqa: E402


def days_ahead(days: int) -> Any:
    """``build_bot`` with a clock ``days`` ahead (``bot/cli.py`` imports it when it serves)."""
    offset = timedelta(days=days)
    build = bot.compose.build_bot

    async def build_bot(settings: Any, **options: Any) -> bot.compose.Bot:
        options.setdefault("clock", lambda: datetime.now(UTC) + offset)
        return await build(settings, **options)

    return build_bot


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--days", type=int, required=True)
    known, rest = parser.parse_known_args()
    bot.compose.build_bot = days_ahead(known.days)
    sys.exit(main(rest))
