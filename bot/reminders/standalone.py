"""Run only the reminder delivery worker in a process of its own.

    ZOOMBOT_SLACK_BOT_TOKEN=xoxb-… python -m bot.reminders.standalone \\
        --database-url sqlite+aiosqlite:///zoombot.db --slack-api-url http://127.0.0.1:3001/api/

The same ``ReminderWorker`` that ``zoombot serve`` runs, without the web app: what the
multi-process tests and ``bench/reminders.py`` start several of against one database.
The bot token comes from the environment, never the command line (process lists are
readable by other users). Prints ``ready`` once the scheduler runs; on SIGTERM/SIGINT
stops cleanly and, with ``--stats-file``, writes its peak memory there as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.reminders.delivery import DEFAULT_BATCH, ReminderDelivery
from bot.reminders.worker import ReminderWorker, process_identity
from bot.slack.outbox import SlackOut
from bot.store.db import Database
from bot.store.reminders import ReminderStore

TOKEN_ENV = "ZOOMBOT_SLACK_BOT_TOKEN"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.reminders.standalone")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slack-api-url", required=True)
    parser.add_argument("--owner", default=None, help="lease owner name (default: host:pid:random)")
    parser.add_argument("--poll", type=float, default=5.0, help="seconds between polls")
    parser.add_argument("--lease", type=float, default=60.0, help="claim lease in seconds")
    parser.add_argument("--slack-timeout", type=float, default=10.0, help="seconds per Slack call")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--stats-file", type=Path, default=None)
    return parser.parse_args(argv)


def peak_rss_bytes() -> int:
    # ru_maxrss is kibibytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


async def run(args: argparse.Namespace) -> None:
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise SystemExit(f"{TOKEN_ENV} is not set")
    db = Database.from_url(args.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=token, base_url=args.slack_api_url, session=session)

        async def client_for(team_id: str) -> Any:
            return client

        slack = SlackOut(client_for, timeout=args.slack_timeout)
        delivery = ReminderDelivery(
            ReminderStore(db),
            slack,
            owner=args.owner or process_identity(),
            clock=lambda: datetime.now(UTC),
            lease=timedelta(seconds=args.lease),
            batch=args.batch,
        )
        worker = ReminderWorker(delivery, poll_seconds=args.poll)
        await worker.start()
        print("ready", flush=True)
        try:
            await stop.wait()
        finally:
            await worker.stop()
            await db.dispose()
    if args.stats_file is not None:
        args.stats_file.write_text(json.dumps({"owner": delivery.owner, "peak_rss_bytes": peak_rss_bytes()}))


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(run(parse_args(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    main()
