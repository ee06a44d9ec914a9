"""Each channel's switch for attendance posts after meetings (`/zoom attendance on|off`); no row means on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database, rowcount
from bot.store.models import ChannelAttendance


@dataclass(frozen=True)
class ChannelSwitch:
    enabled: bool
    changed_by: str | None = None  # the Slack user who last switched it (None: never switched)
    changed_at: datetime | None = None


class ChannelAttendanceStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, team_id: str, channel_id: str) -> ChannelSwitch:
        async with self._db.session() as session:
            row = await session.scalar(
                select(ChannelAttendance).where(
                    ChannelAttendance.slack_team_id == team_id, ChannelAttendance.channel_id == channel_id
                )
            )
            if row is None:
                return ChannelSwitch(True)
            return ChannelSwitch(row.enabled, row.changed_by, row.changed_at)

    async def set(self, team_id: str, channel_id: str, *, enabled: bool, by: str, now: datetime) -> bool:
        """Switch the channel; True when that changed it (it was the other way before)."""
        for _ in range(2):  # another process may insert the channel's first row at the same moment
            async with self._db.session() as session:
                result = await session.execute(
                    update(ChannelAttendance)
                    .where(
                        ChannelAttendance.slack_team_id == team_id,
                        ChannelAttendance.channel_id == channel_id,
                        ChannelAttendance.enabled != enabled,
                    )
                    .values(enabled=enabled, changed_by=by, changed_at=now)
                )
                if rowcount(result) == 1:
                    return True
                exists = await session.scalar(
                    select(ChannelAttendance.id).where(
                        ChannelAttendance.slack_team_id == team_id, ChannelAttendance.channel_id == channel_id
                    )
                )
                if exists is not None:
                    return False  # it already was that way
            if enabled:
                return False  # no row is on already: nothing to write
            try:
                async with self._db.session() as session:
                    session.add(
                        ChannelAttendance(
                            slack_team_id=team_id,
                            channel_id=channel_id,
                            enabled=enabled,
                            changed_by=by,
                            changed_at=now,
                        )
                    )
                return True
            except IntegrityError:
                continue
        return False
