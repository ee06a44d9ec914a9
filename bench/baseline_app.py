"""The floor: a bare Bolt AsyncApp behind the same ASGI stack (Starlette + uvicorn), `/zoom` only acks.

python bench/baseline_app.py --port 3100 --secret S --slack-api-url URL --bot-token xoxb-…
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def build(secret: str, slack_api_url: str, bot_token: str) -> Starlette:
    # Like the bot: the client carries the token; Bolt calls auth.test once (the stand-in answers).
    app = AsyncApp(signing_secret=secret, client=AsyncWebClient(token=bot_token, base_url=slack_api_url))

    @app.command("/zoom")
    async def zoom(ack: Any) -> None:
        await ack()

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
    args = parser.parse_args()
    uvicorn.run(
        build(args.secret, args.slack_api_url, args.bot_token),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="asyncio",  # as `zoombot serve` (bot/cli.py EVENT_LOOP)
    )


if __name__ == "__main__":
    main()
