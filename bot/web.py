"""The one ASGI app: every HTTP route of the contract, served by uvicorn.

Routes only translate HTTP to a service call and back; the work happens in the
services the composition root built (``bot.compose``) and in Bolt listeners (``bot.slack``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.compose import STATUS_REDIRECT_PATH, Bot
from bot.metrics import CONTENT_TYPE_LATEST
from bot.slack.capacity import ACKING_LIMIT, AckGate, is_slash_command
from bot.slack.listeners.commands import busy_ack
from bot.slack.payloads import bolt_request

log = logging.getLogger(__name__)

BotFactory = Callable[[], Awaitable[Bot]]


def create_web_app(bot_factory: BotFactory, *, acking_limit: int = ACKING_LIMIT) -> Starlette:
    """Build the app; ``bot_factory`` is awaited once at start-up (lifespan). ``acking_limit``:
    Slack requests being acknowledged at once before a command is told the bot is busy,
    however prompt the acks (``AckGate``: a late ack refuses sooner)."""

    current: list[Bot] = []  # the one bot, while the lifespan holds it

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        bot = await bot_factory()
        current.append(bot)
        await bot.runtime.start()
        try:
            yield
        finally:
            current.clear()
            await bot.runtime.aclose()

    def rt() -> Bot:
        # A closure read rather than ``request.app.state``: this runs for every request.
        return current[0]

    gate = AckGate(limit=acking_limit)
    busy = json.dumps({"response_type": "ephemeral", **busy_ack()}).encode()

    async def slack_events(request: Request) -> Response:
        bot = rt()
        ticket = gate.try_enter()
        if ticket is None:
            # Behind on acks (a flood): a command learns at once that the bot is busy; anything
            # else gets 503, and Slack delivers events again later.
            body = await request.body()
            if is_slash_command(body):
                # Counted like a command the listener finds no room for; not read, so unnamed.
                bot.metrics.commands.labels(subcommand="", outcome="busy").inc()
                return Response(busy, media_type="application/json")
            return Response(status_code=503)
        try:
            return await _slack_events(bot, request)
        finally:
            gate.leave(ticket)

    async def _slack_events(bot: Bot, request: Request) -> Response:
        body = await request.body()
        reason = bot.signature_checker.check(body, request.headers)
        if reason is not None:
            bot.metrics.slack_rejected.labels(reason=reason).inc()
            log.info("refused a Slack request: %s", reason)
            return JSONResponse({"error": "invalid request"}, status_code=401)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"error": "invalid request"}, status_code=400)
        # Listeners find their port in Bolt's context (a middleware does it in Socket Mode).
        checked = bolt_request(
            text, query=request.query_params, headers=request.headers, context=bot.slack.bolt_context()
        )
        if isinstance(checked, str):
            bot.metrics.slack_rejected.labels(reason="malformed payload").inc()
            log.warning("refused a signed Slack request: %s", checked)
            return JSONResponse({"error": "invalid request"}, status_code=400)
        # Shared by every process, so checked last: only a request about to be acted on is kept.
        # Events API deliveries (JSON) skip it: each effect of an event is idempotent or keyed
        # by its event_id, so a replay changes nothing, and an event need not pay the write.
        if not _events_api(text, request.headers.get("content-type")) and (
            await bot.signature_checker.replayed_elsewhere(request.headers)
        ):
            bot.metrics.slack_rejected.labels(reason="replayed request").inc()
            log.info("refused a Slack request: replayed request")
            return JSONResponse({"error": "invalid request"}, status_code=401)
        return to_starlette_response(await bot.bolt_handler.app.async_dispatch(checked))

    async def slack_oauth(request: Request) -> Response:
        bot = rt()
        if not bot.settings.multi_workspace:
            return PlainTextResponse("Not found", status_code=404)
        return await bot.bolt_handler.handle(request, bot.slack.bolt_context())

    async def zoom_oauth_callback(request: Request) -> Response:
        status, html = await rt().link_callback.handle(dict(request.query_params))
        return _page(status, html)

    async def status_oauth_callback(request: Request) -> Response:
        status, html = await rt().status_callback.handle(dict(request.query_params))
        return _page(status, html)

    async def zoom_webhooks(request: Request) -> Response:
        bot = rt()
        if bot.settings.ZOOM_WEBHOOK_SECRET_TOKEN is None or bot.zoom_webhooks is None:
            return PlainTextResponse("Not found", status_code=404)
        body = await request.body()
        status, payload = await bot.zoom_webhooks.handle(body, request.headers)
        return JSONResponse(payload, status_code=status)

    async def healthz(request: Request) -> Response:
        if await rt().runtime.healthy():
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)

    async def metrics(request: Request) -> Response:
        return Response(rt().metrics.render(), media_type=CONTENT_TYPE_LATEST)

    def timed(
        name: str, endpoint: Callable[[Request], Awaitable[Response]]
    ) -> Callable[..., Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await endpoint(request)
            except Exception:
                log.exception("unhandled error on %s", name)
                response = JSONResponse({"error": "internal error"}, status_code=500)
            rt().metrics.http_request(name, response.status_code, time.perf_counter() - started)
            return response

        return wrapper

    routes = [
        Route("/slack/events", timed("/slack/events", slack_events), methods=["POST"]),
        Route("/slack/install", timed("/slack/install", slack_oauth), methods=["GET"]),
        Route("/slack/oauth_redirect", timed("/slack/oauth_redirect", slack_oauth), methods=["GET"]),
        Route("/zoom/oauth/callback", timed("/zoom/oauth/callback", zoom_oauth_callback), methods=["GET"]),
        Route(
            STATUS_REDIRECT_PATH,
            timed(STATUS_REDIRECT_PATH, status_oauth_callback),
            methods=["GET"],
        ),
        Route("/zoom/webhooks", timed("/zoom/webhooks", zoom_webhooks), methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _page(status: int, html: str) -> Response:
    """An OAuth callback's page: never cached, never a referrer (the query carried a code)."""
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


def _events_api(body: str, content_type: str | None) -> bool:
    """An Events API delivery, recognised as Bolt does: a JSON body (commands and clicks are forms)."""
    return (content_type or "").split(";")[0].strip() == "application/json" or body.startswith("{")
