"""`/zoom digest on|off`: the user's weekday-morning DM subscription."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.store.digests import Digest, DigestStore

Clock = Callable[[], datetime]


class DigestService:
    def __init__(self, store: DigestStore, *, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def enable(
        self, team_id: str, user_id: str, *, at: time, tz_name: str, send_empty: bool = False
    ) -> Digest:
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            tz_name, tz = "UTC", ZoneInfo("UTC")  # Slack may have no (or an unknown) zone
        digest = await self._store.enable(team_id, user_id, at=at, tz_name=tz_name, send_empty=send_empty)
        # Turned on after today's time: the first digest is tomorrow's, not one right now.
        now = self._clock()
        today = now.astimezone(tz).date()
        if datetime.combine(today, at, tzinfo=tz) <= now:
            await self._store.claim_day(digest.id, today)
        return digest

    async def disable(self, team_id: str, user_id: str) -> bool:
        return await self._store.disable(team_id, user_id)

    async def owner_removed(self, team_id: str, user_id: str) -> int:
        return await self._store.delete_for_owner(team_id, user_id)
