"""The Slack layer's port: the few services handlers, listeners and views may use, and nothing else.

The composition root (``bot/compose.py``) builds one :class:`SlackDeps` and Bolt hands it to
every listener in its context. It deliberately carries no database, vault, OAuth client or
HTTP pool: a handler that needs one of those is doing a service's job. A unit test builds it
from fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.metrics import Metrics
from bot.services.account_reports import AccountFigures
from bot.services.attendance_switches import AttendanceSwitches
from bot.services.audit import AuditTrail
from bot.services.clicks import OneClick
from bot.services.digests import DigestService
from bot.services.link_flow import LinkFlow
from bot.services.link_previews import LinkPreviews
from bot.services.meeting_posts import MeetingPosts
from bot.services.people import PeopleDirectory
from bot.services.reminders import ReminderService
from bot.services.status_sync import StatusSync
from bot.services.zoom_access import ZoomAccess
from bot.slack.capacity import CommandCapacity
from bot.slack.hints import Mode
from bot.slack.live.calls import SlackCalls
from bot.slack.live.threads import MeetingThreads
from bot.slack.response_urls import ResponseUrls

DEPS_KEY = "deps"  # where Bolt's context carries the port (bot/web.py, Socket Mode middleware)


@dataclass(frozen=True)
class SlackDeps:
    mode: Mode
    clock: Callable[[], datetime]
    people: PeopleDirectory
    zoom_access: ZoomAccess
    link_flow: LinkFlow
    reminders: ReminderService
    digests: DigestService
    meeting_posts: MeetingPosts
    link_previews: LinkPreviews
    response_urls: ResponseUrls
    commands: CommandCapacity
    metrics: Metrics
    clicks: OneClick  # confirm buttons act once
    account_figures: AccountFigures  # account mode: usage and live read-outs for admins
    audit: AuditTrail  # admin and recording actions, stored and logged
    attendance_switches: AttendanceSwitches  # `/zoom attendance on|off`, per channel
    # None without a Zoom webhook secret: no live cards, so no threads to share into.
    meeting_threads: MeetingThreads | None = None
    # None without a Zoom webhook secret too: a call nobody keeps current would never end.
    slack_calls: SlackCalls | None = None
    # Slack status while in a Zoom meeting (None: the tests' port, built without it).
    status_sync: StatusSync | None = None

    def bolt_context(self) -> dict[str, Any]:
        """Added to the Bolt context of every Slack request."""
        return {DEPS_KEY: self}


def deps_of(context: AsyncBoltContext) -> SlackDeps:
    """The port from a listener's Bolt context, typed."""
    deps: SlackDeps = context[DEPS_KEY]
    return deps
