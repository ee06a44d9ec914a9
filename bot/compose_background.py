"""The background half of the composition root: the reminder worker, its Slack output, and more.

With a Zoom webhook secret it also builds live cards, meeting threads, Slack calls and the
webhook intake (a call is only registered where webhooks will keep it current and end it).

``bot/compose.py`` calls :func:`build_background` once per process; tests call it to get a
second worker over the same core (another process, in effect).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.reminders.delivery import DEFAULT_LEASE, ReminderDelivery
from bot.reminders.digest_job import DigestSender
from bot.reminders.worker import (
    DEFAULT_DIGEST_SECONDS,
    DEFAULT_POLL_SECONDS,
    ReminderWorker,
    process_identity,
)
from bot.services.attendance_followup import AttendanceFollowUp, read_as_host
from bot.services.digests import DigestService
from bot.services.idle_links import IdleLinks
from bot.services.reminders import ReminderService
from bot.services.status_events import StatusEvents, WithStatusSync
from bot.services.zoom_events import ZoomEventEffects
from bot.slack.clients import BackgroundClients
from bot.slack.hints import idle_link_refused_hint
from bot.slack.live.attendance import AttendanceThreads
from bot.slack.live.calls import SlackCalls
from bot.slack.live.cards import DEFAULT_MIN_INTERVAL_S, LiveCards
from bot.slack.live.threads import MeetingThreads
from bot.slack.outbox import ClientFor, SlackOut
from bot.slack.views.relink import relink_notice
from bot.store.attendance_jobs import AttendanceJobStore
from bot.store.digests import DigestStore
from bot.store.events import AuditTrail, ProcessedEventStore
from bot.store.host_writes import HostWriteStore
from bot.store.meeting_live import LiveMeetingStore
from bot.store.reminders import ReminderStore
from bot.store.slack_calls import SlackCallStore
from bot.zoom.attendance import Stay
from bot.zoom.models import Meeting, MeetingSummary
from bot.zoom.rate_governor import background as zoom_background
from bot.zoom.webhooks import ZoomWebhooks

if TYPE_CHECKING:
    from bot.compose import Core

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Background:
    """Reminder and digest delivery, and what Zoom's webhooks drive (with a webhook secret)."""

    reminders: ReminderService
    digests: DigestService
    worker: ReminderWorker
    slack: SlackOut
    webhooks: ZoomWebhooks | None
    cards: LiveCards | None = None
    threads: MeetingThreads | None = None
    idle_links: IdleLinks | None = None  # user mode only
    attendance: AttendanceFollowUp | None = None  # with a webhook secret: attendance after meetings
    calls: SlackCalls | None = None  # with a webhook secret: meetings as Slack calls


def build_background(
    core: Core,
    *,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    digest_seconds: float = DEFAULT_DIGEST_SECONDS,
    lease: timedelta = DEFAULT_LEASE,
    client_for: ClientFor | None = None,
    card_update_seconds: float = DEFAULT_MIN_INTERVAL_S,
) -> tuple[Background, BackgroundClients | None]:
    """The worker, its Slack output and, with a webhook secret, live cards, threads and webhooks.

    Returns the clients it opened (None when ``client_for`` was given): the caller closes them.
    """
    clock, db = core.clock, core.db
    clients = BackgroundClients(core.bolt_app, core.settings) if client_for is None else None
    slack = SlackOut(client_for or clients.client_for)  # type: ignore[union-attr]

    def count(state: str) -> None:
        core.metrics.reminders.labels(state=state).inc()

    delivery = ReminderDelivery(
        ReminderStore(db), slack, owner=process_identity(), clock=clock, lease=lease, on_outcome=count
    )

    async def meetings_for(team_id: str, user_id: str, start: datetime, end: datetime) -> Sequence[Meeting]:
        with zoom_background():  # a digest yields Zoom's rate limits to commands
            actor = await core.zoom_access.actor_for(await core.people.get(team_id, user_id))
            return await actor.upcoming(start=start, end=end)

    sender = DigestSender(DigestStore(db), slack, meetings_for, clock=clock)
    events = ProcessedEventStore(db)
    host_writes = HostWriteStore(db)
    secret = core.settings.ZOOM_WEBHOOK_SECRET_TOKEN
    live = LiveMeetingStore(db)
    cards = (
        LiveCards(
            core.meeting_posts.store, live, slack, owner=process_identity(), min_interval=card_update_seconds
        )
        if secret
        else None
    )

    idle_links = None if core.settings.account_mode else _idle_links(core, slack)
    attendance = _attendance(core, slack) if secret else None

    async def housekeeping() -> None:
        if idle_links is not None:  # a background task, paced: it never holds up this tick
            idle_links.start_if_due()
        if attendance is not None:  # first: its due times are the users' to see, the rest is tidying
            try:
                await attendance.run_due()
                await attendance.prune()
            except Exception:
                log.warning("attendance jobs could not run; the next tick retries", exc_info=True)
        # Zoom stops retrying a webhook after about 90 minutes; keep the keys a day to be safe.
        await events.prune(older_than=clock() - timedelta(days=1))
        # Zoom resets each host's meeting create/update count at 00:00 UTC: past days are done.
        await host_writes.prune(before=clock().astimezone(UTC).date())
        if cards is not None:  # cards a crashed process left behind
            await cards.catch_up()
        # Statuses no event will put back: a missed end, a failed one, a process that died.
        await core.status_sync.housekeeping()

    worker = ReminderWorker(
        delivery, sender, poll_seconds=poll_seconds, digest_seconds=digest_seconds, housekeeping=housekeeping
    )
    if not secret or cards is None:
        return Background(core.reminders, core.digests, worker, slack, None, idle_links=idle_links), clients

    async def read_summary(team_id: str, user_id: str, meeting_uuid: str) -> MeetingSummary:
        with zoom_background():
            actor = await core.zoom_access.actor_for(await core.people.get(team_id, user_id))
            return await actor.meeting_summary(meeting_uuid)

    threads = MeetingThreads(core.meeting_posts.store, slack, read_summary=read_summary)
    calls = SlackCalls(SlackCallStore(db), slack, clock=clock)
    effects = ZoomEventEffects(
        reminders=core.reminders,
        digests=core.digests,
        links=core.links,
        posts=core.meeting_posts.store,
        live=live,
        cards=cards,
        threads=threads,
        audit=AuditTrail(db),
        clock=clock,
        forget_person=core.people.forget,
        attendance=attendance,
        calls=calls,
    )
    status = StatusEvents(core.status_sync, presence=core.settings.account_mode)
    webhooks = ZoomWebhooks(secret, events=events, effects=WithStatusSync(effects, status), clock=clock)
    return Background(
        core.reminders, core.digests, worker, slack, webhooks, cards, threads, idle_links, attendance, calls
    ), clients


def _attendance(core: Core, slack: SlackOut) -> AttendanceFollowUp:
    """Attendance after meetings: read as the card's author (if they hosted it), posted in the threads."""

    async def read(team_id: str, user_id: str, meeting_uuid: str, host_id: str | None) -> list[Stay]:
        actor = await core.zoom_access.actor_for(await core.people.get(team_id, user_id))
        return await read_as_host(actor, meeting_uuid, host_id)

    return AttendanceFollowUp(
        AttendanceJobStore(core.db),
        core.meeting_posts.store,
        core.attendance_switches.store,
        read=read,
        poster=AttendanceThreads(slack, mode="account" if core.settings.account_mode else "user"),
        owner=process_identity(),
        clock=core.clock,
    )


def _idle_links(core: Core, slack: SlackOut) -> IdleLinks:
    async def notify(team_id: str, user_id: str) -> None:
        await slack.dm(team_id, user_id, relink_notice(idle_link_refused_hint()))

    return IdleLinks(
        core.links,
        core.oauth,
        notify,
        clock=core.clock,
        observe_refresh=lambda outcome: core.metrics.token_refreshes.labels(outcome).inc(),
    )
