"""An offline world: the Zoom simulator, the Slack stand-in and the real bot, on loopback.

The bot is the production code path — ``create_web_app(build_bot(settings))`` served by
uvicorn, signed Slack requests, a real SQLite (or PostgreSQL) database, the real Zoom
client — only pointed at local stand-ins through its ordinary settings. End-to-end tests
and ``zoombot sandbox`` both build on it.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import httpx
import yaml
from cryptography.fernet import Fernet

from bot.compose import Bot, build_bot
from bot.sandbox.devserver import serve_asgi
from bot.sandbox.slack_standin import SlackDriver, SlackStandin
from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.contract import ContractObserver
from bot.sandbox.zoom_simulator.server import serve_simulator_in_thread
from bot.settings import Settings
from bot.slack.capacity import ACKING_LIMIT
from bot.web import create_web_app

SIGNING_SECRET = "sandbox-signing-secret"  # only ever used on loopback
ZOOM_CLIENT_ID = "sandbox-zoom-client"
ZOOM_CLIENT_SECRET = "sandbox-zoom-secret"  # noqa: S105 - a made-up credential for the simulator
ACCOUNT_ID = "sandbox-account"
# The Slack app's own credentials: people's consents (status sync) go through Slack's OAuth.
SLACK_CLIENT_ID = "sandbox-slack-client"
SLACK_CLIENT_SECRET = "sandbox-slack-secret"  # noqa: S105 - a made-up credential for the stand-in
USER_SCOPES = [
    "user:read:user",
    "meeting:read:meeting",
    "meeting:read:list_meetings",
    "meeting:write:meeting",
    "meeting:update:meeting",
    "meeting:delete:meeting",
    "cloud_recording:read:list_user_recordings",
    "user:read:list_schedulers",
    "meeting:read:summary",
    "meeting:read:list_past_participants",
    "cloud_recording:delete:meeting_recording",
    "cloud_recording:update:recover_meeting_recordings",
]


@dataclass(frozen=True)
class Person:
    slack_id: str
    name: str
    email: str
    tz: str
    zoom_role: Literal["member", "admin", "owner"] = "member"


DEFAULT_PEOPLE = (
    Person("U0ALICE", "alice", "alice@example.com", "America/New_York", "owner"),
    Person("U0BOB", "bob", "bob@example.com", "Europe/Berlin"),
    Person("U0CAROL", "carol", "carol@example.com", "Asia/Tokyo"),
)
# (assistant, host): the assistant may schedule for the host in Zoom, shared access allowed,
# so `as bob` then `/zoom schedule … host @alice` works offline. Carol has no privilege.
DEFAULT_PRIVILEGES = (("bob", "alice"),)
DEFAULT_CHANNELS = (("C0GENERAL", "general"), ("C0DESIGN", "design"), ("C0RANDOM", "random"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clock_callable(clock: ManualClock | None) -> Any:
    if clock is None:
        return lambda: datetime.now(UTC)
    return clock.now


@dataclass
class OfflineWorld:
    sim: ZoomSimulator
    standin: SlackStandin
    driver: SlackDriver
    bot_url: str
    zoom_url: str
    slack_url: str
    settings: Settings
    bot: Bot
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, name: str) -> Person:
        return self.people[name]

    def busy(self) -> bool:
        """Whether the bot is still working on a /zoom command it took."""
        return self.bot.slack.commands.admitted > 0

    async def events_acted_on(self) -> None:
        """Wait until the bot has acted on every Zoom event it accepted, card updates and thread
        posts included: what follows a webhook is known to be done, not guessed by a timer."""
        if self.bot.zoom_webhooks is not None:
            await self.bot.zoom_webhooks.drain()

    async def reminders_caught_up(self) -> None:
        """Wait until the bot has delivered every reminder and digest due at the clock's time now,
        and acted on what that set off (after a fast-forward of the clock)."""
        await self.bot.worker.catch_up()
        await self.events_acted_on()

    async def link(self, name: str, *, as_zoom_user: str | None = None) -> httpx.Response:
        """`/zoom link` as ``name``, then consent at the simulator (as ``as_zoom_user``'s e-mail)
        and follow the redirect to the bot's callback, as a browser would. Returns the callback page."""
        person = self.people[name]
        before = len(self.standin.messages)  # only this command's reply: someone else may have linked
        await self.driver.slash(person.slack_id, "C0GENERAL", "link")
        message = await self.standin.wait_for(
            lambda: next(
                (m for m in reversed(self.standin.messages[before:]) if link_button_url(m.blocks)), None
            ),
            timeout=5,
        )
        url = link_button_url(message.blocks if message is not None else None)
        assert url is not None
        return await self.follow_consent(url, login_email=as_zoom_user or person.email)

    async def status_on(
        self, name: str, *, approve: bool = True, as_slack_user: str | None = None
    ) -> httpx.Response:
        """`/zoom status on` as ``name``, then Slack's consent page signed in as ``as_slack_user``
        (default: the same person), and back to the bot's callback. Returns the callback page."""
        person = self.people[name]
        before = len(self.standin.messages)
        await self.driver.slash(person.slack_id, "C0GENERAL", "status on")
        message = await self.standin.wait_for(
            lambda: next(
                (m for m in reversed(self.standin.messages[before:]) if status_button_url(m.blocks)), None
            ),
            timeout=10,
        )
        url = status_button_url(message.blocks if message is not None else None)
        assert url is not None
        return await self.follow_slack_consent(
            url, slack_user=as_slack_user or person.slack_id, approve=approve
        )

    async def follow_slack_consent(
        self, authorize_url: str, *, slack_user: str, approve: bool = True
    ) -> httpx.Response:
        async with httpx.AsyncClient(timeout=10) as browser:
            query = urlencode({"standin_user": slack_user, "approve": "yes" if approve else "no"})
            consent = await browser.get(f"{authorize_url}&{query}")
            assert consent.status_code in (302, 303), consent.text[:300]
            return await browser.get(consent.headers["location"])

    async def follow_consent(self, authorize_url: str, *, login_email: str) -> httpx.Response:
        async with httpx.AsyncClient(timeout=10) as browser:
            separator = "&" if "?" in authorize_url else "?"
            consent = await browser.get(f"{authorize_url}{separator}{urlencode({'login_hint': login_email})}")
            assert consent.status_code in (302, 303), consent.text[:300]
            return await browser.get(consent.headers["location"])


def manifest_user_scopes() -> list[str]:
    """The user scopes the app's manifest declares: all a person can be asked to consent to."""
    scopes = _manifest()["oauth_config"]["scopes"].get("user", [])
    return [str(scope) for scope in scopes]


def manifest_redirect_paths() -> list[str]:
    """The paths of the manifest's redirect URLs, as Slack would accept them for this app."""
    return [urlsplit(str(url)).path for url in _manifest()["oauth_config"]["redirect_urls"]]


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load(
        files("bot").joinpath("manifest.yml").read_text(encoding="utf-8")
    )
    return manifest


def link_button_url(blocks: list[dict[str, Any]] | None) -> str | None:
    """The consent URL on the "Link Zoom account" button of a `/zoom link` reply, if any."""
    for block in blocks or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == "link_zoom_open" and element.get("url"):
                return str(element["url"])
    return None


def status_button_url(blocks: list[dict[str, Any]] | None) -> str | None:
    """The consent URL on the "Allow in Slack" button of a `/zoom status on` reply, if any."""
    for block in blocks or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == "status_sync_open" and element.get("url"):
                return str(element["url"])
    return None


@asynccontextmanager
async def offline_world(
    data_dir: Path,
    *,
    database_url: str | None = None,
    clock: ManualClock | None = None,
    account_mode: bool = False,
    people: tuple[Person, ...] = DEFAULT_PEOPLE,
    privileges: tuple[tuple[str, str], ...] = DEFAULT_PRIVILEGES,
    settings_overrides: dict[str, Any] | None = None,
    sim_options: dict[str, Any] | None = None,
    reminder_options: dict[str, Any] | None = None,
    command_capacity: int | None = None,
    contract: ContractObserver | None = None,
    acking_limit: int = ACKING_LIMIT,
    zoom_in_own_thread: bool = False,
) -> AsyncIterator[OfflineWorld]:
    """Start simulator, stand-in and bot; stop all three (nothing left listening) on exit.

    ``contract`` observes every Zoom exchange and webhook of the simulator (tests install
    their OpenAPI checker there; see ``bot.sandbox.zoom_simulator.contract``).

    ``reminder_options`` go to the bot's reminder worker (e.g. ``poll_seconds``: the sandbox
    polls often so a fast-forwarded clock shows its reminder at once).

    ``zoom_in_own_thread`` serves the simulator on its own thread and event loop, as Zoom is
    another host: it then sees a request when the bot sent it, not when this loop, busy with
    the bot, gets round to reading it (what its per-second limits count). Faults that hang
    a request (``drop=True``) need the default, one loop.
    """
    async with AsyncExitStack() as stack:
        sim = ZoomSimulator(clock=clock, contract=contract, **(sim_options or {}))
        standin = SlackStandin(SIGNING_SECRET)
        standin.limit_updates()  # chat.update's limits, as Slack enforces them (live meeting cards)
        for person in people:
            standin.add_user(person.slack_id, person.name, person.email, tz=person.tz)
        for channel_id, name in DEFAULT_CHANNELS:
            standin.add_channel(channel_id, name)
        if zoom_in_own_thread:
            zoom_url = stack.enter_context(serve_simulator_in_thread(sim))
        else:
            zoom_url = await stack.enter_async_context(serve_asgi(sim.app))
        # Join links of simulated meetings live on the simulator's host; Slack would unfurl
        # them if the app listed that domain, so the stand-in does.
        standin.unfurl_domains = (*standin.unfurl_domains, urlsplit(zoom_url).hostname or "127.0.0.1")
        slack_url = await stack.enter_async_context(standin.serve())

        port = free_port()
        bot_url = f"http://127.0.0.1:{port}"
        redirect_uri = f"{bot_url}/zoom/oauth/callback"
        # One Zoom app: a user-managed OAuth app, or in account mode a Server-to-Server app.
        # The account keeps its owner's zone, as Zoom's reports count days in it.
        owner_tz = next((p.tz for p in people if p.zoom_role == "owner"), "UTC")
        if account_mode:
            sim.add_account(ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, timezone=owner_tz)
        else:
            sim.add_app(ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, redirect_uri, USER_SCOPES)
            sim.add_account(ACCOUNT_ID, timezone=owner_tz)
        for person in people:
            first, _, last = person.name.capitalize().partition(" ")
            sim.add_user(
                person.email,
                first,
                last or "Example",
                account_id=ACCOUNT_ID,
                timezone=person.tz,
                role=person.zoom_role,
            )
        emails = {person.name: person.email for person in people}
        for assistant, host in privileges:
            if assistant in emails and host in emails:
                sim.grant_scheduling_privilege(emails[assistant], emails[host], shared_access_allowed=True)

        values: dict[str, Any] = {
            "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{data_dir / 'zoombot.db'}",
            "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": standin.bot_token,
            "SLACK_API_URL": standin.api_url,
            "ZOOM_CLIENT_ID": ZOOM_CLIENT_ID,
            "ZOOM_CLIENT_SECRET": ZOOM_CLIENT_SECRET,
            "ZOOM_REDIRECT_URI": redirect_uri,
            "ZOOM_API_URL": f"{zoom_url}/v2",
            "ZOOM_OAUTH_URL": zoom_url,
            "ZOOM_ACCOUNT_ID": ACCOUNT_ID if account_mode else None,
            "ZOOM_WEBHOOK_SECRET_TOKEN": "sandbox-webhook-secret",
            # Named explicitly so a developer's SLACK_*/LOG_* environment cannot switch the
            # offline bot into multi-workspace or Socket Mode, or break its start-up. With the
            # bot token, the client credentials only serve people's own consents.
            "SLACK_CLIENT_ID": SLACK_CLIENT_ID,
            "SLACK_CLIENT_SECRET": SLACK_CLIENT_SECRET,
            "SLACK_APP_TOKEN": None,
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "text",
            "PORT": port,
        }
        values.update(settings_overrides or {})
        settings = Settings(**values)
        if settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET:
            standin.register_app(
                settings.SLACK_CLIENT_ID,
                settings.SLACK_CLIENT_SECRET,
                [f"{bot_url}{path}" for path in manifest_redirect_paths()],
                manifest_user_scopes(),
            )
        bot_box: list[Bot] = []

        async def factory() -> Bot:
            bot = await build_bot(
                settings,
                clock=_clock_callable(clock),
                reminder_options=reminder_options,
                command_capacity=command_capacity,
            )
            bot_box.append(bot)
            return bot

        bot_url = await stack.enter_async_context(
            serve_asgi(create_web_app(factory, acking_limit=acking_limit), port=port, lifespan="on")
        )
        driver = await stack.enter_async_context(SlackDriver(bot_url, standin, SIGNING_SECRET))
        world = OfflineWorld(
            sim=sim,
            standin=standin,
            driver=driver,
            bot_url=bot_url,
            zoom_url=zoom_url,
            slack_url=slack_url,
            settings=settings,
            bot=bot_box[0],
            people={p.name: p for p in people},
        )
        await _wait_healthy(bot_url)
        yield world


async def _wait_healthy(bot_url: str, timeout: float = 60.0) -> None:
    """Until /healthz answers 200. A slow answer is not a failure: on a busy machine the first
    check (the schema, the database) can take seconds."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            try:
                response = await client.get(f"{bot_url}/healthz")
                if response.status_code == 200:
                    return
                problem = response.text
            except httpx.TransportError as error:
                problem = repr(error)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not become healthy: {problem}")
            await asyncio.sleep(0.05)
