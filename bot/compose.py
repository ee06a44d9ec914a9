"""The composition root: every long-lived object of one bot process, built once, in order.

settings → database → vault → Zoom HTTP/OAuth → services → Slack output and background work →
the Slack port → the lifecycle. Each object is complete when it is constructed: nothing is
attached later, and nothing here is imported late to dodge a circle. ``bot/web.py`` serves the
:class:`Bot` this builds; the sandbox builds the same one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.compose_background import build_background
from bot.compose_status import STATUS_REDIRECT_PATH, build_status_sync
from bot.metrics import Metrics
from bot.reminders.worker import ReminderWorker, process_identity
from bot.runtime import Hook, Runtime
from bot.services.account_reports import AccountFigures
from bot.services.attendance_switches import AttendanceSwitches
from bot.services.audit import AuditTrail
from bot.services.clicks import OneClick
from bot.services.digests import DigestService
from bot.services.idle_links import IdleLinks
from bot.services.link_flow import LinkFlow
from bot.services.link_previews import LinkPreviews, zoom_hosts
from bot.services.meeting_posts import MeetingPosts
from bot.services.people import PeopleDirectory
from bot.services.reminders import ReminderService
from bot.services.status_sync import StatusSync
from bot.services.zoom_access import ZoomAccess
from bot.settings import Settings
from bot.slack.app import build_bolt_app
from bot.slack.capacity import CommandCapacity
from bot.slack.clients import users_info
from bot.slack.deps import SlackDeps
from bot.slack.response_urls import ResponseUrls
from bot.slack.signature import SlackSignatureChecker
from bot.store.audit import AuditStore
from bot.store.db import Database
from bot.store.digests import DigestStore
from bot.store.events import ProcessedEventStore
from bot.store.host_writes import HostWriteStore
from bot.store.links import LinkStore
from bot.store.oauth_states import OAuthStateStore
from bot.store.processes import ProcessCensus
from bot.store.reminders import ReminderStore
from bot.store.request_memory import SharedRequestMemory
from bot.store.vault import TokenVault
from bot.web_callbacks import LinkCallback, StatusConsentCallback
from bot.zoom.account_tokens import AccountTokenSource, StaticTokenSource
from bot.zoom.client import AccountZoom, UserZoom
from bot.zoom.host_writes import HostWrites
from bot.zoom.http import ZoomHttp
from bot.zoom.models import ZoomUser
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.rate_governor import RateGovernor, ShareKeeper
from bot.zoom.refresh_locks import PROCESS_OWNER
from bot.zoom.tokens import UserTokenSource
from bot.zoom.webhooks import ZoomWebhooks

log = logging.getLogger(__name__)

__all__ = ["STATUS_REDIRECT_PATH", "Bot", "Core", "build_bot"]

Clock = Callable[[], datetime]
# Commands in progress at once, per process (bot/slack/capacity.py); beyond, the ack says
# "busy". All of them await Zoom together: a few kilobytes each, so this bounds memory.
COMMANDS_ADMITTED = 2000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Core:
    """The services both the Slack port and the background work are built from."""

    settings: Settings
    db: Database
    clock: Clock
    metrics: Metrics
    links: LinkStore
    oauth: ZoomOAuth
    people: PeopleDirectory
    zoom_access: ZoomAccess
    meeting_posts: MeetingPosts
    reminders: ReminderService
    digests: DigestService
    attendance_switches: AttendanceSwitches
    bolt_app: AsyncApp
    status_sync: StatusSync  # Slack status while in a Zoom meeting (bot/compose_status.py)


@dataclass(frozen=True)
class Bot:
    """One process, built: its lifecycle, what the HTTP routes serve, and its core services."""

    settings: Settings
    runtime: Runtime
    core: Core
    metrics: Metrics
    signature_checker: SlackSignatureChecker
    bolt_app: AsyncApp
    bolt_handler: AsyncSlackRequestHandler
    slack: SlackDeps
    link_callback: LinkCallback
    status_callback: StatusConsentCallback
    zoom_webhooks: ZoomWebhooks | None  # with a webhook secret; it also drains (sandbox, tests)
    idle_links: IdleLinks | None  # user mode: the sweep that keeps idle links alive
    worker: ReminderWorker  # reminders and digests; the sandbox asks it to catch up after a wait

    @property
    def db(self) -> Database:
        return self.core.db

    @property
    def links(self) -> LinkStore:
        return self.core.links


async def build_bot(
    settings: Settings,
    *,
    socket_mode: bool = False,
    clock: Clock = utc_now,
    wall_clock: Callable[[], float] | None = None,
    reminder_options: dict[str, Any] | None = None,
    command_capacity: int | None = None,
) -> Bot:
    """Build every service of one process. ``clock`` is injectable for the sandbox and tests."""
    db = Database.from_url(settings.DATABASE_URL)
    vault = TokenVault(list(settings.TOKEN_ENCRYPTION_KEY))
    metrics = Metrics()
    governor = RateGovernor(settings.ZOOM_PLAN)
    zoom_http = ZoomHttp(
        settings.ZOOM_API_URL,
        settings.ZOOM_OAUTH_URL,
        clock=clock,
        deadline=15.0,
        observe=lambda operation, outcome: metrics.zoom_calls.labels(operation, outcome).inc(),
        governor=governor,
        # Meeting creates + updates under Zoom's 100 a day per host, counted in the shared database.
        host_writes=HostWrites(HostWriteStore(db)),
    )
    oauth = ZoomOAuth(
        zoom_http,
        settings.ZOOM_CLIENT_ID or "",
        settings.ZOOM_CLIENT_SECRET or "",
        settings.ZOOM_REDIRECT_URI,
    )
    links = LinkStore(db, vault)
    link_flow = LinkFlow(oauth, OAuthStateStore(db, vault), links, _zoom_user_reader(zoom_http))
    zoom_access = _zoom_access(settings, zoom_http, oauth, links, metrics, clock)
    bolt_app = build_bolt_app(settings, db=db, vault=vault, socket_mode=socket_mode)
    people = PeopleDirectory(users_info(bolt_app, settings))
    core = Core(
        settings=settings,
        db=db,
        clock=clock,
        metrics=metrics,
        links=links,
        oauth=oauth,
        people=people,
        zoom_access=zoom_access,
        meeting_posts=MeetingPosts(db),
        reminders=ReminderService(ReminderStore(db)),
        digests=DigestService(DigestStore(db), clock=clock),
        attendance_switches=AttendanceSwitches(db, clock=clock),
        bolt_app=bolt_app,
        status_sync=build_status_sync(settings, db, vault, clock=clock, owner=process_identity()),
    )
    response_urls = ResponseUrls()
    # Closers run in reverse: the database goes last, after everything that might still use it.
    closers: list[Hook] = [db.dispose, response_urls.aclose, zoom_http.aclose]
    starters: list[Hook] = []
    background, clients = build_background(core, **(reminder_options or {}))
    if clients is not None:
        closers.append(clients.aclose)
    if background.cards is not None:
        # Cards a previous run left behind are caught up by the housekeeping that the worker's
        # digest tick runs at once on start, and then on every tick.
        closers.append(background.cards.aclose)
    if background.calls is not None:
        closers.append(background.calls.aclose)
    if background.webhooks is not None:
        closers.append(background.webhooks.aclose)
    shares = ShareKeeper(governor, ProcessCensus(db), PROCESS_OWNER)
    starters.append(shares.start)
    closers.append(shares.stop)
    starters.append(background.worker.start)
    closers.append(background.worker.stop)
    if background.idle_links is not None:
        closers.append(background.idle_links.aclose)  # runs before the worker stops (reverse order)

    slack = SlackDeps(
        mode="account" if settings.account_mode else "user",
        clock=clock,
        people=people,
        zoom_access=zoom_access,
        link_flow=link_flow,
        reminders=core.reminders,
        digests=core.digests,
        meeting_posts=core.meeting_posts,
        link_previews=LinkPreviews(
            zoom_access,
            people,
            ProcessedEventStore(db),
            clock=clock,
            hosts=zoom_hosts(settings.ZOOM_API_URL, settings.ZOOM_OAUTH_URL),
        ),
        response_urls=response_urls,
        commands=CommandCapacity(limit=command_capacity or COMMANDS_ADMITTED),
        metrics=metrics,
        clicks=OneClick(ProcessedEventStore(db), clock=clock),
        account_figures=AccountFigures(clock=clock),
        audit=AuditTrail(AuditStore(db), clock=clock),
        attendance_switches=core.attendance_switches,
        meeting_threads=background.threads,
        slack_calls=background.calls,
        status_sync=core.status_sync,
    )
    if socket_mode:
        _connect_socket_mode(bolt_app, settings, slack, starters, closers)
    return Bot(
        settings=settings,
        runtime=Runtime(db, settings.DATABASE_URL, starters=starters, closers=closers),
        core=core,
        metrics=metrics,
        signature_checker=SlackSignatureChecker(
            settings.SLACK_SIGNING_SECRET or "",
            clock=wall_clock or time.time,
            shared=_shared_request_memory(db, clock),
        ),
        bolt_app=bolt_app,
        bolt_handler=AsyncSlackRequestHandler(bolt_app),
        slack=slack,
        link_callback=LinkCallback(link_flow, people),
        status_callback=StatusConsentCallback(core.status_sync),
        zoom_webhooks=background.webhooks,
        worker=background.worker,
        idle_links=background.idle_links,
    )


def _shared_request_memory(db: Database, clock: Clock) -> Callable[[str], Awaitable[bool]]:
    """The Slack replay memory every process shares (bot/store/request_memory.py)."""
    requests = SharedRequestMemory(db)

    async def first_request(signature: str) -> bool:
        return await requests.first_time(signature, now=clock())

    return first_request


def _zoom_user_reader(zoom_http: ZoomHttp) -> Callable[[str], Awaitable[ZoomUser]]:
    async def read_zoom_user_with(access_token: str) -> ZoomUser:
        return await UserZoom(zoom_http, StaticTokenSource(access_token)).get_user()

    return read_zoom_user_with


def _zoom_access(
    settings: Settings,
    zoom_http: ZoomHttp,
    oauth: ZoomOAuth,
    links: LinkStore,
    metrics: Metrics,
    clock: Clock,
) -> ZoomAccess:
    """Zoom as the account (Server-to-Server app) or as each linked user."""
    if settings.account_mode:
        assert settings.ZOOM_ACCOUNT_ID is not None
        account = AccountZoom(zoom_http, AccountTokenSource(oauth, settings.ZOOM_ACCOUNT_ID, clock=clock))
        return ZoomAccess(zoom_http, mode="account", account=account)

    def count_refresh(outcome: str) -> None:
        metrics.token_refreshes.labels(outcome).inc()

    def user_tokens(team_id: str, user_id: str) -> UserTokenSource:
        return UserTokenSource(links, oauth, team_id, user_id, clock=clock, observe_refresh=count_refresh)

    return ZoomAccess(zoom_http, mode="user", user_tokens=user_tokens)


def _connect_socket_mode(
    app: AsyncApp, settings: Settings, slack: SlackDeps, starters: list[Hook], closers: list[Hook]
) -> None:
    """`zoombot socket`: Slack events arrive over a WebSocket; the HTTP routes still serve Zoom."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler  # only this mode needs it

    # Over HTTP the route hands Bolt the port with each request (bot/web.py); the Socket
    # Mode handler has no such door, so a middleware puts it in the context.
    @app.middleware
    async def attach_deps(context: Any, next: Callable[[], Awaitable[None]]) -> None:  # noqa: A002
        context.update(slack.bolt_context())
        await next()

    handler = AsyncSocketModeHandler(app, settings.SLACK_APP_TOKEN)

    async def connect() -> None:
        await handler.connect_async()
        log.info("connected to Slack in Socket Mode")

    starters.append(connect)
    closers.append(handler.close_async)
