"""The Slack port for unit tests of handlers and listeners.

Everything on our side is real: the services on a real database, Zoom through the real
client against the simulator on loopback (when a test needs Zoom). Only Slack's side is
stood in for, at its network edge: ``users.info`` answers from a dict, and replies to a
response_url land on a loopback recorder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.metrics import Metrics
from bot.sandbox.devserver import serve_asgi
from bot.services.account_reports import AccountFigures
from bot.services.attendance_switches import AttendanceSwitches
from bot.services.audit import AuditTrail
from bot.services.clicks import OneClick
from bot.services.digests import DigestService
from bot.services.link_flow import LinkFlow
from bot.services.link_previews import LinkPreviews, zoom_hosts
from bot.services.meeting_posts import MeetingPosts
from bot.services.people import PeopleDirectory
from bot.services.reminders import ReminderService
from bot.services.zoom_access import ZoomAccess
from bot.slack.capacity import CommandCapacity
from bot.slack.deps import SlackDeps
from bot.slack.hints import Mode
from bot.slack.response_urls import ResponseUrls
from bot.store.audit import AuditStore
from bot.store.db import Database
from bot.store.digests import DigestStore
from bot.store.events import ProcessedEventStore
from bot.store.links import LinkStore
from bot.store.oauth_states import OAuthStateStore
from bot.store.reminders import ReminderStore
from bot.store.vault import TokenVault
from bot.zoom.account_tokens import AccountTokenSource
from bot.zoom.client import AccountZoom
from bot.zoom.http import ZoomHttp
from bot.zoom.models import ZoomUser
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import UserTokenSource

TEAM = "T0UNIT"
ALICE = "U0ALICE"
GENERAL = "C0GENERAL"
DEFAULT_USERS = {
    ALICE: {
        "id": ALICE,
        "tz": "America/New_York",
        "profile": {"real_name": "Alice Ng", "email": "alice@example.com"},
    },
}


@dataclass
class SlackSide:
    """Slack's side of a unit test: who ``users.info`` knows, and what reached a response_url."""

    base_url: str
    users: dict[str, dict[str, Any]]
    replies: list[dict[str, Any]] = field(default_factory=list)

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/respond/{name}"


@dataclass(frozen=True)
class ZoomApp:
    """Where the simulator listens and the credentials it knows (None: no Zoom in this test)."""

    url: str
    client_id: str
    client_secret: str
    redirect_uri: str
    account_id: str | None = None  # account mode: the Server-to-Server app's account


@asynccontextmanager
async def unit_deps(
    db: Database,
    vault: TokenVault,
    *,
    clock: Callable[[], datetime],
    zoom: ZoomApp | None = None,
    mode: Mode = "user",
    users: dict[str, dict[str, Any]] | None = None,
    command_capacity: int = 2000,
) -> AsyncIterator[tuple[SlackDeps, SlackSide]]:
    replies: list[dict[str, Any]] = []

    async def record(request: Request) -> Response:
        replies.append({"url": request.url.path, **(await request.json())})
        return JSONResponse({"ok": True})

    recorder = Starlette(routes=[Route("/respond/{name}", record, methods=["POST"])])
    known = dict(users or DEFAULT_USERS)

    async def users_info(team_id: str, user_id: str) -> dict[str, Any]:
        return known[user_id]

    # Never reached unless the test gives a simulator: port 9 on loopback refuses at once.
    zoom = zoom or ZoomApp("http://127.0.0.1:9", "unit-client", "unit-secret", "http://127.0.0.1:9/cb")
    zoom_http = ZoomHttp(zoom.url + "/v2", zoom.url, clock=clock)
    oauth = ZoomOAuth(zoom_http, zoom.client_id, zoom.client_secret, zoom.redirect_uri)
    links = LinkStore(db, vault)
    if mode == "account":
        assert zoom.account_id is not None
        access = ZoomAccess(
            zoom_http,
            mode="account",
            account=AccountZoom(zoom_http, AccountTokenSource(oauth, zoom.account_id, clock=clock)),
        )
    else:
        access = ZoomAccess(
            zoom_http,
            mode="user",
            user_tokens=lambda team, user: UserTokenSource(links, oauth, team, user, clock=clock),
        )

    async def no_zoom_user(token: str) -> ZoomUser:
        raise AssertionError("this test does not complete a link")

    people = PeopleDirectory(users_info)
    response_urls = ResponseUrls()
    async with serve_asgi(recorder) as base_url:
        deps = SlackDeps(
            mode=mode,
            clock=clock,
            people=people,
            zoom_access=access,
            link_flow=LinkFlow(oauth, OAuthStateStore(db, vault), links, no_zoom_user),
            reminders=ReminderService(ReminderStore(db)),
            digests=DigestService(DigestStore(db), clock=clock),
            meeting_posts=MeetingPosts(db),
            link_previews=LinkPreviews(
                access,
                people,
                ProcessedEventStore(db),
                clock=clock,
                hosts=zoom_hosts(zoom.url + "/v2", zoom.url),
            ),
            response_urls=response_urls,
            commands=CommandCapacity(limit=command_capacity),
            metrics=Metrics(),
            clicks=OneClick(ProcessedEventStore(db), clock=clock),
            account_figures=AccountFigures(clock=clock),
            audit=AuditTrail(AuditStore(db), clock=clock),
            attendance_switches=AttendanceSwitches(db, clock=clock),
        )
        try:
            yield deps, SlackSide(base_url, known, replies)
        finally:
            await response_urls.aclose()
            await zoom_http.aclose()


def bolt_context(deps: SlackDeps, *, user_id: str = ALICE, channel_id: str = GENERAL) -> AsyncBoltContext:
    """The context Bolt hands a listener: the port, and who asked where."""
    return AsyncBoltContext(
        {**deps.bolt_context(), "team_id": TEAM, "user_id": user_id, "channel_id": channel_id}
    )


class Ack:
    """Bolt's ``ack``: the answer to Slack's HTTP request. Records what it was given."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)
