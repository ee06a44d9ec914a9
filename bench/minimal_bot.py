"""The second floor: the least any real bot does for `/zoom list`.

A slack-bolt ``AsyncApp`` behind the same ASGI stack as the bot (Starlette + uvicorn with
httptools, on asyncio's own event loop as the bot is). Its `/zoom` listener
acks, makes the one Zoom call `/zoom list` needs (``GET /users/me/meetings?type=upcoming``)
with a static token over one shared aiohttp session, and posts a small Block Kit reply to the
command's ``response_url`` over the same session. No database, no token refresh, no
encryption, no retries, no metrics, no capacity limit: what ours costs beyond this is what
our reliability and features cost.

    python bench/minimal_bot.py --port 3200 --secret S --slack-api-url URL --bot-token xoxb-… \
        --zoom-api-url http://127.0.0.1:9000/v2 --zoom-token simat_…

With ``--database-url`` it is also the floor of the start-up benchmark: it imports the rest
of the libraries the bot runs on (SQLAlchemy's asyncio ORM and the database driver, httpx,
cryptography, prometheus_client) and reads the database once (``SELECT 1``) before it
serves, so its start → /healthz is what any bot on our stack pays before its own code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ZOOM_TIMEOUT = aiohttp.ClientTimeout(total=10)
# What the bot imports besides the libraries above (see --database-url).
BOT_LIBRARIES = (
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "httpx",
    "cryptography.fernet",
    "prometheus_client",
    "apscheduler.schedulers.asyncio",
    "apscheduler.triggers.interval",
)


def reply_for(meetings: list[dict[str, Any]]) -> dict[str, Any]:
    """A small Block Kit list: a header and one line per meeting (at most 10)."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "Upcoming"}}]
    for meeting in meetings[:10]:
        when, join = meeting.get("start_time", ""), meeting.get("join_url", "")
        line = f"*{meeting.get('topic', '')}* {when} <{join}|Join>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line}})
    if not meetings:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "No meetings."}})
    return {"response_type": "ephemeral", "text": f"Upcoming: {len(meetings)} meetings", "blocks": blocks}


def build(
    secret: str,
    slack_api_url: str,
    bot_token: str,
    zoom_api_url: str,
    zoom_token: str,
    database_url: str | None = None,
) -> Starlette:
    # Named, as ours is: otherwise Bolt walks inspect.stack() for a name (~0.1 s of a start).
    client = AsyncWebClient(token=bot_token, base_url=slack_api_url)
    app = AsyncApp(name="minimal", signing_secret=secret, client=client)
    shared: dict[str, aiohttp.ClientSession] = {}
    meetings_url = f"{zoom_api_url.rstrip('/')}/users/me/meetings"
    zoom_headers = {"Authorization": f"Bearer {zoom_token}", "Accept": "application/json"}

    def session() -> aiohttp.ClientSession:
        if "http" not in shared:  # made on the serving loop, on first use
            shared["http"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        return shared["http"]

    @app.command("/zoom")
    async def zoom(ack: Any, command: dict[str, Any]) -> None:
        await ack()
        http = session()
        async with http.get(
            meetings_url, params={"type": "upcoming"}, headers=zoom_headers, timeout=ZOOM_TIMEOUT
        ) as answer:
            body = await answer.json()
        meetings = body.get("meetings", []) if answer.status == 200 else []
        async with http.post(command["response_url"], json=reply_for(meetings)) as posted:
            await posted.read()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)]
    if database_url is None:
        return Starlette(routes=routes)
    return Starlette(routes=routes, lifespan=read_database_once(database_url))


def read_database_once(database_url: str) -> Any:
    # As bot/__init__.py does: httpx would otherwise import its command-line client (rich,
    # pygments) wherever they are installed, as they are beside the test tools.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    for name in BOT_LIBRARIES:
        importlib.import_module(name)
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_async_engine(database_url)
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        yield
        await engine.dispose()

    return lifespan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--slack-api-url", required=True)
    parser.add_argument("--bot-token", required=True)
    parser.add_argument("--zoom-api-url", required=True)
    parser.add_argument("--zoom-token", required=True)
    parser.add_argument("--database-url", default=None, help="also the start-up floor (see the module doc)")
    args = parser.parse_args()
    app = build(
        args.secret, args.slack_api_url, args.bot_token, args.zoom_api_url, args.zoom_token, args.database_url
    )
    # asyncio's loop, as `zoombot serve` (bot/cli.py EVENT_LOOP): the floor runs what the bot runs.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, loop="asyncio")


if __name__ == "__main__":
    main()
