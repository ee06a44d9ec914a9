"""Who asked (workspace, user, channel) and the Slack port, for one command, action, view or event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_bolt.context.async_context import AsyncBoltContext

from bot.services.people import SlackPerson
from bot.services.zoom_access import ZoomActor
from bot.slack.deps import SlackDeps, deps_of
from bot.slack.hints import Mode


@dataclass
class Caller:
    deps: SlackDeps
    team_id: str
    user_id: str
    channel_id: str
    _person: SlackPerson | None = None
    thread_ts: str | None = None  # a message shortcut: channel posts go into that message's thread

    @classmethod
    def from_bolt(cls, context: AsyncBoltContext, *, channel_id: str | None = None) -> Caller:
        """Bound to the user and workspace Bolt read from the request (command, action, view or event)."""
        return cls(
            deps=deps_of(context),
            team_id=str(context.team_id or ""),
            user_id=str(context.user_id or ""),
            channel_id=str(channel_id if channel_id is not None else context.channel_id or ""),
        )

    @property
    def mode(self) -> Mode:
        return self.deps.mode

    def now(self) -> datetime:
        return self.deps.clock()

    async def person(self) -> SlackPerson:
        if self._person is None:
            self._person = await self.deps.people.get(self.team_id, self.user_id)
        return self._person

    async def zoom(self) -> ZoomActor:
        """The caller's Zoom session (raises NotLinkedError / ZoomError when there is none)."""
        return await self.deps.zoom_access.actor_for(await self.person())
