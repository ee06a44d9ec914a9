"""Moving a meeting's cloud recordings to Zoom's trash and back, for the host only.

A button carries a :class:`RecordingRef` (the instance UUID and the day it started). Before
touching anything the bot looks for the recording among the clicker's own recordings of that
day (or their trash): Zoom would answer someone else with a bare "no recording" (3301), and the
person deserves "only the host can". In account mode a Zoom admin may act on anyone's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.services.refusals import Refusal, RefusalKind
from bot.services.zoom_access import ZoomActor
from bot.zoom.models import Recording

TRASH_DAYS = 30  # Zoom empties the trash after this long
_VALUE = re.compile(r"(\d{4}-\d{2}-\d{2})\|(.{1,200})")


@dataclass(frozen=True)
class RecordingRef:
    uuid: str
    day: date  # the UTC day the meeting instance started

    def value(self) -> str:
        return f"{self.day.isoformat()}|{self.uuid}"

    @classmethod
    def of(cls, uuid: str, start_time: datetime | None) -> RecordingRef | None:
        if not uuid or start_time is None or len(uuid) > 200:
            return None
        return cls(uuid, start_time.astimezone(UTC).date())

    @classmethod
    def parse(cls, value: str) -> RecordingRef | None:
        """A button's value back into a reference; None for an old or forged one."""
        found = _VALUE.fullmatch(value)
        if found is None:
            return None
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            return None
        return cls(found.group(2), day)


async def move_to_trash(zoom: ZoomActor, ref: RecordingRef) -> Recording:
    recording = await _own(zoom, ref, "move the recording to the trash", trash=False)
    await zoom.trash_recordings(ref.uuid)
    return recording


async def recover(zoom: ZoomActor, ref: RecordingRef) -> Recording:
    recording = await _own(zoom, ref, "recover the recording", trash=True)
    await zoom.recover_recordings(ref.uuid)
    return recording


async def in_trash(zoom: ZoomActor, *, now: datetime) -> list[Recording]:
    """The caller's recordings in Zoom's trash (of meetings in the last 30 days)."""
    return await zoom.recordings(since=now - timedelta(days=TRASH_DAYS), until=now, trash=True)


async def _own(zoom: ZoomActor, ref: RecordingRef, operation: str, *, trash: bool) -> Recording:
    start = datetime.combine(ref.day, time(0), UTC)
    found = await zoom.recordings(since=start, until=start, trash=trash)
    mine = next((r for r in found if r.uuid == ref.uuid), None)
    if mine is not None:
        return mine
    elsewhere = await zoom.recordings(since=start, until=start, trash=not trash)
    if any(r.uuid == ref.uuid for r in elsewhere):  # a second click, or someone was quicker
        raise Refusal(RefusalKind.NOT_IN_TRASH if trash else RefusalKind.ALREADY_IN_TRASH, operation)
    if await zoom.is_zoom_admin():  # account mode: an admin may act on the account's recordings
        return Recording(ref.uuid, 0, "the recording", start, 0, "", 0, ())
    raise Refusal(RefusalKind.ONLY_HOST, operation)
