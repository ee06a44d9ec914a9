"""Everything a `/zoom` handler may use, bound to the caller of one command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

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
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _person: SlackPerson | None = None

    @property
    def mode(self) -> Mode:
        return "account" if self.runtime.settings.account_mode else "user"

    def now(self) -> datetime:
        return self.clock()

    async def person(self) -> SlackPerson:
        if self._person is None:
            self._person = await self.runtime.people.get(self.team_id, self.user_id)
        return self._person

    async def zoom(self) -> ZoomActor:
        """The caller's Zoom session (raises NotLinkedError / ZoomError when there is none)."""
        return await self.runtime.zoom_access.actor_for(await self.person())
