"""The stand-in's workspace: people, channels, DMs, live messages, views and one-shot handles.

Plain state with Slack's rules for ids and handles; the HTTP layer lives elsewhere.
A lock guards every change because the stand-in may be served on its own thread while
a test reads and configures it from another.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.sandbox.slack_standin.records import Channel, Message, ScheduledMessage, SlackCallRecord, User

RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_LIFETIME_SECONDS = 30 * 60
TRIGGER_LIFETIME_SECONDS = 3.0


@dataclass
class ResponseUrl:
    channel: str
    user: str
    issued_at: float
    original_ts: str | None  # the message whose button produced this URL, if any
    uses: int = 0


@dataclass
class Trigger:
    user: str
    issued_at: float
    used: bool = False


class Workspace:
    def __init__(self, team_id: str, clock: Callable[[], float]) -> None:
        self.team_id = team_id
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.live: dict[tuple[str, str], Message] = {}  # (channel, ts) -> current non-ephemeral message
        self.scheduled: dict[str, ScheduledMessage] = {}
        self.views: dict[str, dict[str, object]] = {}
        self.home_views: dict[str, str] = {}  # user -> view id of their published Home tab
        self.calls: dict[str, SlackCallRecord] = {}  # call id -> the call (calls.add)
        self._dm_by_user: dict[str, str] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._triggers: dict[str, Trigger] = {}
        self._last_ts = 0.0
        self._counters: dict[str, int] = {}

    # -- people and places -------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str | None,
        *,
        tz: str | None = "America/New_York",
        is_admin: bool = False,
        real_name: str | None = None,
        locale: str | None = None,
    ) -> User:
        user = User(user_id, name, email, tz, is_admin, real_name, locale)
        with self.lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, bot_is_member: bool = True
    ) -> Channel:
        channel = Channel(channel_id, name, is_private=is_private, bot_is_member=bot_is_member)
        with self.lock:
            self.channels[channel_id] = channel
        return channel

    def ensure_user(self, user_id: str) -> User:
        with self.lock:
            return self.users.get(user_id) or self.add_user(user_id, user_id.lower(), None)

    def ensure_channel(self, channel_id: str) -> Channel:
        with self.lock:
            existing = self.channels.get(channel_id)
            return existing or self.add_channel(channel_id, channel_id.lower())

    def open_dm(self, user_id: str) -> tuple[Channel, bool]:
        """The DM channel between the bot and ``user_id``; True if it was already open."""
        with self.lock:
            channel_id = self._dm_by_user.get(user_id)
            if channel_id is not None:
                return self.channels[channel_id], True
            channel_id = self.next_id("D")
            channel = Channel(channel_id, user_id, is_im=True, im_user=user_id)
            self.channels[channel_id] = channel
            self._dm_by_user[user_id] = channel_id
            return channel, False

    # -- ids ---------------------------------------------------------------------------

    def next_ts(self) -> str:
        """A message ts: the clock in seconds with microseconds, strictly increasing."""
        with self.lock:
            self._last_ts = max(self.clock(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def next_id(self, prefix: str) -> str:
        with self.lock:
            number = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = number
            return f"{prefix}{number:08X}"

    # -- one-shot handles Slack gives to the app ---------------------------------------

    def issue_response_url(self, channel: str, user: str, original_ts: str | None = None) -> str:
        token = secrets.token_urlsafe(18)
        with self.lock:
            self._response_urls[token] = ResponseUrl(channel, user, self.clock(), original_ts)
        return token

    def use_response_url(self, token: str) -> ResponseUrl | str:
        """The response URL's target, or Slack's reason for refusing it."""
        with self.lock:
            target = self._response_urls.get(token)
            if target is None:
                return "invalid_url"
            if self.clock() - target.issued_at > RESPONSE_URL_LIFETIME_SECONDS:
                return "expired_url"
            if target.uses >= RESPONSE_URL_MAX_USES:
                return "used_url"
            target.uses += 1
            return target

    def issue_trigger(self, user: str) -> str:
        with self.lock:
            trigger_id = f"{int(self.clock())}.{self.next_id('')}.{secrets.token_hex(8)}"
            self._triggers[trigger_id] = Trigger(user, self.clock())
        return trigger_id

    def use_trigger(self, trigger_id: str) -> Trigger | str:
        """The trigger's user, or Slack's error: triggers expire after 3 s and work once."""
        with self.lock:
            trigger = self._triggers.get(trigger_id)
            if trigger is None:
                return "invalid_trigger_id"
            if trigger.used:
                return "exchanged_trigger_id"
            if self.clock() - trigger.issued_at > TRIGGER_LIFETIME_SECONDS:
                return "expired_trigger_id"
            trigger.used = True
            return trigger
