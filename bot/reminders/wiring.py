"""Create the reminder, digest and Zoom-webhook services of one bot process and hook them to its runtime."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.reminders.delivery import DEFAULT_LEASE, ReminderDelivery
from bot.reminders.digest import DigestService
from bot.reminders.digest_job import DigestSender
from bot.reminders.service import ReminderService
from bot.reminders.slack_out import ClientFor, SlackOut
from bot.reminders.worker import (
    DEFAULT_DIGEST_SECONDS,
    DEFAULT_POLL_SECONDS,
    ReminderWorker,
    process_identity,
)
from bot.services.idle_links import IdleLinks
from bot.services.live_cards import DEFAULT_MIN_INTERVAL_S, LiveCards
from bot.services.meeting_threads import MeetingThreads
from bot.services.zoom_events import ZoomEventEffects
from bot.slack.hints import idle_link_refused_hint
from bot.slack.views.relink import relink_notice
from bot.store.digests import DigestStore
from bot.store.events import AuditTrail, ProcessedEventStore
from bot.store.meeting_live import LiveMeetingStore
from bot.store.reminders import ReminderStore
from bot.zoom.models import Meeting, MeetingSummary
from bot.zoom.webhooks import ZoomWebhooks

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class ReminderParts:
    service: ReminderService
    digests: DigestService
    worker: ReminderWorker
    slack: SlackOut
    webhooks: ZoomWebhooks | None
    cards: LiveCards | None = None
    threads: MeetingThreads | None = None
    idle_links: IdleLinks | None = None  # user mode only


class _SlackClients:
    """Web API clients for background work. Unlike the Bolt app's client, these never sleep on a
    429 (delivery turns a rate limit into a later due time), and share one HTTP session."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._session: aiohttp.ClientSession | None = None
        self._single: AsyncWebClient | None = None

    async def client_for(self, team_id: str) -> AsyncWebClient:
        settings = self._runtime.settings
        if not settings.SLACK_BOT_TOKEN:
            from bot.runtime import bot_client_for  # multi-workspace: the installation's token

            return await bot_client_for(self._runtime.bolt_app, settings, team_id)
        if self._single is None:
            self._session = aiohttp.ClientSession()
            self._single = AsyncWebClient(
                token=settings.SLACK_BOT_TOKEN, base_url=settings.SLACK_API_URL, session=self._session
            )
        return self._single

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._single = None


def build(
    runtime: Runtime,
    *,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    digest_seconds: float = DEFAULT_DIGEST_SECONDS,
    lease: timedelta = DEFAULT_LEASE,
    client_for: ClientFor | None = None,
    card_update_seconds: float = DEFAULT_MIN_INTERVAL_S,
) -> tuple[ReminderParts, _SlackClients | None]:
    clock = runtime.clock
    clients = _SlackClients(runtime) if client_for is None else None
    slack = SlackOut(client_for or clients.client_for)  # type: ignore[union-attr]
    reminders, digests = runtime.reminders, runtime.digests
    digest_store = DigestStore(runtime.db)

    def count(state: str) -> None:
        runtime.metrics.reminders.labels(state=state).inc()

    delivery = ReminderDelivery(
        ReminderStore(runtime.db), slack, owner=process_identity(), clock=clock, lease=lease, on_outcome=count
    )

    async def meetings_for(team_id: str, user_id: str, start: datetime, end: datetime) -> Sequence[Meeting]:
        person = await runtime.people.get(team_id, user_id)
        actor = await runtime.zoom_access.actor_for(person)
        return await actor.upcoming(start=start, end=end)

    sender = DigestSender(digest_store, slack, meetings_for, clock=clock)
    events = ProcessedEventStore(runtime.db)

    secret = runtime.settings.ZOOM_WEBHOOK_SECRET_TOKEN
    cards = (
        LiveCards(
            runtime.meeting_posts.store,
            LiveMeetingStore(runtime.db),
            slack,
            owner=process_identity(),
            min_interval=card_update_seconds,
        )
        if secret
        else None
    )

    idle_links = None if runtime.settings.account_mode else _idle_links(runtime, slack)

    async def housekeeping() -> None:
        if idle_links is not None:  # a background task, paced: it never holds up this tick
            idle_links.start_if_due()
        # Zoom stops retrying a webhook after about 90 minutes; keep the keys a day to be safe.
        await events.prune(older_than=clock() - timedelta(days=1))
        if cards is not None:  # cards a crashed process left behind
            await cards.catch_up()

    worker = ReminderWorker(
        delivery,
        sender,
        poll_seconds=poll_seconds,
        digest_seconds=digest_seconds,
        housekeeping=housekeeping,
    )
    webhooks = None
    threads = None
    if secret and cards is not None:

        async def read_summary(team_id: str, user_id: str, meeting_uuid: str) -> MeetingSummary:
            person = await runtime.people.get(team_id, user_id)
            actor = await runtime.zoom_access.actor_for(person)
            return await actor.meeting_summary(meeting_uuid)

        threads = MeetingThreads(runtime.meeting_posts.store, slack, read_summary=read_summary)
        effects = ZoomEventEffects(
            reminders=reminders,
            digests=digests,
            links=runtime.links,
            posts=runtime.meeting_posts.store,
            live=LiveMeetingStore(runtime.db),
            cards=cards,
            threads=threads,
            audit=AuditTrail(runtime.db),
            clock=clock,
            forget_person=runtime.people.forget,
        )
        webhooks = ZoomWebhooks(secret, events=events, effects=effects, clock=clock)
    return ReminderParts(reminders, digests, worker, slack, webhooks, cards, threads, idle_links), clients


def _idle_links(runtime: Runtime, slack: SlackOut) -> IdleLinks:
    async def notify(team_id: str, user_id: str) -> None:
        await slack.dm(team_id, user_id, relink_notice(idle_link_refused_hint()))

    return IdleLinks(
        runtime.links,
        runtime.oauth,
        notify,
        clock=runtime.clock,
        observe_refresh=lambda outcome: runtime.metrics.token_refreshes.labels(outcome).inc(),
    )


def install(runtime: Runtime, **options: Any) -> ReminderParts:
    """Set ``runtime.zoom_webhooks`` (with a webhook secret); start the worker when the schema is
    ready and stop it (then the rest) on close."""
    parts, clients = build(runtime, **options)
    if clients is not None:
        runtime.on_close(clients.aclose)  # closers run in reverse: this one last
    if parts.cards is not None:
        # Cards a previous run left behind are caught up by the housekeeping that the worker's
        # digest tick runs at once on start, and then on every tick.
        runtime.on_close(parts.cards.aclose)
    runtime.meeting_threads = parts.threads
    runtime.idle_links = parts.idle_links
    if parts.webhooks is not None:
        runtime.zoom_webhooks = parts.webhooks  # callable; the object also drains (sandbox, tests)
        runtime.on_close(parts.webhooks.aclose)
    runtime.on_ready(parts.worker.start)
    runtime.on_close(parts.worker.stop)
    if parts.idle_links is not None:
        runtime.on_close(parts.idle_links.aclose)  # runs before the worker stops (reverse order)
    return parts
