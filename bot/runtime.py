"""The composition root: every long-lived object of one bot process, built once.

``build_runtime`` wires settings → database → vault → Zoom HTTP/OAuth → services →
Bolt app. Routes (``bot.web``) and listeners (``bot.slack.listeners``) reach the pieces
through the :class:`Runtime` they are handed; nothing else holds global state.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics
from bot.reminders.digest import DigestService
from bot.reminders.service import ReminderService
from bot.services.idle_links import IdleLinks
from bot.services.link_flow import LinkFlow
from bot.services.link_previews import LinkPreviews, zoom_hosts
from bot.services.linking import LinkCallback
from bot.services.meeting_posts import MeetingPosts
from bot.services.meeting_threads import MeetingThreads
from bot.services.people import PeopleDirectory
from bot.services.zoom_access import ZoomAccess
from bot.settings import Settings
from bot.slack.app import build_bolt_app
from bot.slack.capacity import CommandCapacity
from bot.slack.response_urls import ResponseUrls
from bot.slack.signature import SlackSignatureChecker
from bot.store.db import Database
from bot.store.digests import DigestStore
from bot.store.events import ProcessedEventStore
from bot.store.links import LinkStore
from bot.store.migrate import bring_to_head
from bot.store.oauth_states import OAuthStateStore
from bot.store.reminders import ReminderStore
from bot.store.request_memory import SharedRequestMemory
from bot.store.vault import TokenVault
from bot.zoom.client import AccountZoom, UserZoom
from bot.zoom.http import ZoomHttp
from bot.zoom.models import ZoomUser
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import AccountTokenSource, StaticTokenSource, UserTokenSource

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
COMMANDS_WORKING = 32  # commands doing their Zoom work at once, per process (bot/slack/capacity.py)
COMMANDS_WAITING = 2000  # more commands that may wait for a turn; beyond that the ack says "busy"
WebhookHandler = Callable[[bytes, Mapping[str, str]], Awaitable[tuple[int, dict[str, Any]]]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    vault: TokenVault
    metrics: Metrics
    clock: Clock
    signature_checker: SlackSignatureChecker
    zoom_http: ZoomHttp
    oauth: ZoomOAuth
    links: LinkStore
    link_flow: LinkFlow
    link_callback: LinkCallback
    people: PeopleDirectory
    zoom_access: ZoomAccess
    meeting_posts: MeetingPosts
    link_previews: LinkPreviews
    response_urls: ResponseUrls
    commands: CommandCapacity
    bolt_app: AsyncApp
    bolt_handler: AsyncSlackRequestHandler
    reminders: ReminderService
    digests: DigestService
    zoom_webhooks: WebhookHandler | None = None  # set by bot.reminders.install with a webhook secret
    meeting_threads: MeetingThreads | None = None  # set by bot.reminders.install with a webhook secret
    idle_links: IdleLinks | None = None  # set by bot.reminders.install in user mode
    schema_ready: bool = False
    _background: list[asyncio.Task[None]] = field(default_factory=list)
    _starters: list[Callable[[], Awaitable[None]]] = field(
        default_factory=list
    )  # run once the schema is ready
    _on_close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def bolt_context(self) -> dict[str, Any]:
        """Added to the Bolt context of every Slack request: listeners find the runtime there."""
        return {"runtime": self}

    async def start(self) -> None:
        """Bring the schema up to date (retrying while the DB is down), then start workers."""
        self._background.append(asyncio.create_task(self._migrate_until_ready()))

    async def _migrate_until_ready(self) -> None:
        delay = 1.0
        while True:
            try:
                await bring_to_head(self.db, self.settings.DATABASE_URL)
            except Exception as error:  # the DB may simply not be up yet; /healthz says 503 meanwhile
                log.error("database not ready (%s); retrying in %.0f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self.schema_ready = True
            for starter in self._starters:
                try:
                    await starter()
                except Exception:  # one failing worker (e.g. Socket Mode offline) must not stop the rest
                    log.exception("a background service failed to start")
            return

    def on_ready(self, starter: Callable[[], Awaitable[None]]) -> None:
        self._starters.append(starter)

    def on_close(self, closer: Callable[[], Awaitable[None]]) -> None:
        self._on_close.append(closer)

    async def healthy(self) -> bool:
        return self.schema_ready and await self.db.ping()

    async def aclose(self) -> None:
        for task in self._background:
            task.cancel()
        for closer in reversed(self._on_close):
            try:
                await closer()
            except Exception:
                log.warning("error while shutting down", exc_info=True)
        await self.zoom_http.aclose()
        await self.response_urls.aclose()
        await self.db.dispose()


async def build_runtime(
    settings: Settings,
    *,
    socket_mode: bool = False,
    clock: Clock = utc_now,
    wall_clock: Callable[[], float] | None = None,
    reminder_options: dict[str, Any] | None = None,
) -> Runtime:
    """Build every service of one process. ``clock`` is injectable for the sandbox and tests."""
    db = Database.from_url(settings.DATABASE_URL)
    vault = TokenVault(list(settings.TOKEN_ENCRYPTION_KEY))
    metrics = Metrics()
    events = ProcessedEventStore(db)
    requests = SharedRequestMemory(db)

    async def first_request(signature: str) -> bool:
        return await requests.first_time(signature, now=clock())

    checker = SlackSignatureChecker(
        settings.SLACK_SIGNING_SECRET or "", clock=wall_clock or time.time, shared=first_request
    )
    zoom_http = ZoomHttp(
        settings.ZOOM_API_URL,
        settings.ZOOM_OAUTH_URL,
        clock=clock,
        deadline=15.0,
        observe=lambda operation, outcome: metrics.zoom_calls.labels(operation, outcome).inc(),
    )
    oauth = ZoomOAuth(
        zoom_http,
        settings.ZOOM_CLIENT_ID or "",
        settings.ZOOM_CLIENT_SECRET or "",
        settings.ZOOM_REDIRECT_URI,
    )
    links = LinkStore(db, vault)
    states = OAuthStateStore(db, vault)

    def count_refresh(outcome: str) -> None:
        metrics.token_refreshes.labels(outcome).inc()

    def user_tokens(team_id: str, user_id: str) -> UserTokenSource:
        return UserTokenSource(links, oauth, team_id, user_id, clock=clock, observe_refresh=count_refresh)

    async def read_zoom_user_with(access_token: str) -> ZoomUser:
        return await UserZoom(zoom_http, StaticTokenSource(access_token)).get_user()

    link_flow = LinkFlow(oauth, states, links, read_zoom_user_with)

    if settings.account_mode:
        assert settings.ZOOM_ACCOUNT_ID is not None
        account = AccountZoom(zoom_http, AccountTokenSource(oauth, settings.ZOOM_ACCOUNT_ID, clock=clock))
        zoom_access = ZoomAccess(zoom_http, mode="account", account=account)
    else:
        zoom_access = ZoomAccess(zoom_http, mode="user", user_tokens=user_tokens)

    bolt_app = build_bolt_app(settings, db=db, vault=vault, socket_mode=socket_mode)
    people = PeopleDirectory(_users_info(bolt_app, settings))
    link_callback = LinkCallback(link_flow, people)
    runtime = Runtime(
        settings=settings,
        db=db,
        vault=vault,
        metrics=metrics,
        clock=clock,
        signature_checker=checker,
        zoom_http=zoom_http,
        oauth=oauth,
        links=links,
        link_flow=link_flow,
        link_callback=link_callback,
        people=people,
        zoom_access=zoom_access,
        meeting_posts=MeetingPosts(db),
        reminders=ReminderService(ReminderStore(db)),
        digests=DigestService(DigestStore(db), clock=clock),
        link_previews=LinkPreviews(
            zoom_access,
            people,
            events,
            clock=clock,
            hosts=zoom_hosts(settings.ZOOM_API_URL, settings.ZOOM_OAUTH_URL),
        ),
        response_urls=ResponseUrls(),
        commands=CommandCapacity(working=COMMANDS_WORKING, waiting=COMMANDS_WAITING),
        bolt_app=bolt_app,
        bolt_handler=AsyncSlackRequestHandler(bolt_app),
    )

    from bot.reminders import install as install_reminders

    install_reminders(runtime, **(reminder_options or {}))
    if socket_mode:
        _connect_socket_mode(runtime)
    return runtime


def _users_info(app: AsyncApp, settings: Settings) -> Callable[[str, str], Awaitable[dict[str, Any]]]:
    async def users_info(team_id: str, user_id: str) -> dict[str, Any]:
        client = await bot_client_for(app, settings, team_id)
        response = await client.users_info(user=user_id)
        user: dict[str, Any] = response["user"]
        return user

    return users_info


async def bot_client_for(app: AsyncApp, settings: Settings, team_id: str) -> AsyncWebClient:
    """A Web API client with the right bot token, outside a request (schedulers, callbacks)."""
    if settings.SLACK_BOT_TOKEN:
        return app.client
    store = app.installation_store
    bot = await store.async_find_bot(enterprise_id=None, team_id=team_id) if store else None
    if bot is None or not bot.bot_token:
        raise LookupError(f"zoombot is not installed in workspace {team_id}")
    return AsyncWebClient(token=bot.bot_token, base_url=settings.SLACK_API_URL)


def _connect_socket_mode(runtime: Runtime) -> None:
    """`zoombot socket`: Slack events arrive over a WebSocket; the HTTP routes still serve Zoom."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    # Over HTTP the route hands Bolt the runtime with each request (bot/web.py); the Socket
    # Mode handler has no such door, so a middleware puts it in the context.
    @runtime.bolt_app.middleware
    async def attach_runtime(context: Any, next: Callable[[], Awaitable[None]]) -> None:  # noqa: A002
        context.update(runtime.bolt_context)
        await next()

    handler = AsyncSocketModeHandler(runtime.bolt_app, runtime.settings.SLACK_APP_TOKEN)

    async def connect() -> None:
        await handler.connect_async()
        log.info("connected to Slack in Socket Mode")

    runtime.on_ready(connect)
    runtime.on_close(handler.close_async)
