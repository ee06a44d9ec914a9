"""Everything a `/zoom` handler may use, bound to the caller of one command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from slack_bolt.context.async_context import AsyncBoltContext

from bot.services.people import SlackPerson
from bot.slack.hints import Mode

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.services.zoom_access import ZoomActor


@dataclass
class CommandContext:
    runtime: Runtime
    team_id: str
    user_id: str
    channel_id: str
    _person: SlackPerson | None = None

    @classmethod
    def from_bolt(cls, context: AsyncBoltContext, *, channel_id: str | None = None) -> CommandContext:
        """Bound to the user and workspace Bolt read from the request (command, action, view or event)."""
        return cls(
            runtime=context["runtime"],
            team_id=str(context.team_id or ""),
            user_id=str(context.user_id or ""),
            channel_id=str(channel_id if channel_id is not None else context.channel_id or ""),
        )

    @property
    def mode(self) -> Mode:
        return "account" if self.runtime.settings.account_mode else "user"

    def now(self) -> datetime:
        return self.runtime.clock()

    async def person(self) -> SlackPerson:
        if self._person is None:
            self._person = await self.runtime.people.get(self.team_id, self.user_id)
        return self._person

    async def zoom(self) -> ZoomActor:
        """The caller's Zoom session (raises NotLinkedError / ZoomError when there is none)."""
        return await self.runtime.zoom_access.actor_for(await self.person())
