"""The second floor: the least any real bot does for `/zoom list`.

A slack-bolt ``AsyncApp`` behind the same ASGI stack as the bot (Starlette + uvicorn, which
picks httptools and uvloop when installed, as it does for the bot). Its `/zoom` listener
acks, makes the one Zoom call `/zoom list` needs (``GET /users/me/meetings?type=upcoming``)
with a static token over one shared aiohttp session, and posts a small Block Kit reply to the
command's ``response_url`` over the same session. No database, no token refresh, no
encryption, no retries, no metrics, no capacity limit: what ours costs beyond this is what
our reliability and features cost.

    python bench/minimal_bot.py --port 3200 --secret S --slack-api-url URL --bot-token xoxb-… \
        --zoom-api-url http://127.0.0.1:9000/v2 --zoom-token simat_…
"""

from __future__ import annotations

import argparse
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


def build(secret: str, slack_api_url: str, bot_token: str, zoom_api_url: str, zoom_token: str) -> Starlette:
    app = AsyncApp(signing_secret=secret, client=AsyncWebClient(token=bot_token, base_url=slack_api_url))
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

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--slack-api-url", required=True)
    parser.add_argument("--bot-token", required=True)
    parser.add_argument("--zoom-api-url", required=True)
    parser.add_argument("--zoom-token", required=True)
    args = parser.parse_args()
    app = build(args.secret, args.slack_api_url, args.bot_token, args.zoom_api_url, args.zoom_token)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
