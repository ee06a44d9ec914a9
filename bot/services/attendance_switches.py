"""Whether a channel wants attendance after its meetings (`/zoom attendance on|off`); on by default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.store.channel_attendance import ChannelAttendanceStore, ChannelSwitch
from bot.store.db import Database


class AttendanceSwitches:
    def __init__(self, db: Database, *, clock: Callable[[], datetime]) -> None:
        self._store = ChannelAttendanceStore(db)
        self._clock = clock

    @property
    def store(self) -> ChannelAttendanceStore:
        return self._store

    async def state(self, team_id: str, channel_id: str) -> ChannelSwitch:
        return await self._store.get(team_id, channel_id)

    async def turn(self, team_id: str, channel_id: str, *, enabled: bool, by: str) -> bool:
        """Switch the channel on or off; True when that changed it."""
        return await self._store.set(team_id, channel_id, enabled=enabled, by=by, now=self._clock())
