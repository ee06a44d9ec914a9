"""Which Zoom events put someone in or out of a meeting, for status sync (``bot/services/status_sync.py``).

- ``meeting.started``: the host (``host_id``) is in it.
- ``meeting.participant_joined`` / ``_left``: the participant, matched to a person by Zoom
  user id or e-mail (a guest matches no one).
- ``meeting.ended``: everyone whose status shows that meeting instance.
- ``user.presence_status_updated`` (account mode): ``In_Meeting`` / ``Presenting`` is in a
  meeting, any other presence is out of it.

A meeting instance is named by its UUID, so the host's start and own join are one meeting,
and a status is set once for it. :class:`WithStatusSync` runs these after the other effects
of the same event (``bot/services/zoom_events.py``); each is safe to run again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot.services.status_sync import StatusSync
from bot.store.status_sync import StatusRecord
from bot.zoom.models import parse_time
from bot.zoom.webhooks import EventEffects

log = logging.getLogger(__name__)

IN_MEETING_PRESENCE = frozenset({"In_Meeting", "Presenting"})
SCHEDULED_TYPES = frozenset({2, 8})  # a scheduled meeting, an occurrence of a series at fixed times


class StatusEvents:
    def __init__(self, sync: StatusSync, *, presence: bool) -> None:
        self._sync = sync
        self._presence = presence

    async def apply(self, event: str, payload: dict[str, Any]) -> None:
        obj = payload.get("object")
        if not isinstance(obj, dict):
            return
        if event == "meeting.started":
            await self._in(obj, zoom_user_id=_text(obj.get("host_id")), email=None)
        elif event == "meeting.participant_joined":
            who = _participant(obj)
            await self._in(obj, zoom_user_id=_zoom_user_of(who), email=_text(who.get("email")))
        elif event == "meeting.participant_left":
            who = _participant(obj)
            uuid = _text(obj.get("uuid"))
            for record in await self._sync_people(_zoom_user_of(who), _text(who.get("email"))):
                if uuid:
                    await self._sync.left(record, uuid)
        elif event == "meeting.ended":
            uuid = _text(obj.get("uuid"))
            if uuid:
                await self._sync.meeting_ended(uuid)
        elif event == "user.presence_status_updated" and self._presence:
            await self._presence_changed(obj)

    async def _in(self, obj: dict[str, Any], *, zoom_user_id: str | None, email: str | None) -> None:
        uuid = _text(obj.get("uuid"))
        if not uuid:
            return
        for record in await self._sync_people(zoom_user_id, email):
            await self._sync.joined(record, uuid, ends_at=_scheduled_end(obj))

    async def _presence_changed(self, obj: dict[str, Any]) -> None:
        people = await self._sync_people(_text(obj.get("id")), _text(obj.get("email")))
        if obj.get("presence_status") in IN_MEETING_PRESENCE:
            for record in people:
                await self._sync.joined(record, f"presence:{record.zoom_user_id}", ends_at=None)
        else:
            for record in people:
                if record.meeting_key is not None:
                    await self._sync.left(record, None)

    async def _sync_people(self, zoom_user_id: str | None, email: str | None) -> list[StatusRecord]:
        return await self._sync.opted_in(zoom_user_id=zoom_user_id, email=email)


class WithStatusSync:
    """The other effects of each Zoom event, then its status sync (a failure of one leaves the other done)."""

    def __init__(self, effects: EventEffects, status: StatusEvents) -> None:
        self._effects = effects
        self._status = status

    async def apply(self, event: str, payload: dict[str, Any]) -> None:
        try:
            await self._effects.apply(event, payload)
        finally:
            await self._status.apply(event, payload)

    async def drain(self) -> None:
        await self._effects.drain()


def _participant(obj: dict[str, Any]) -> dict[str, Any]:
    participant = obj.get("participant")
    return participant if isinstance(participant, dict) else {}


def _zoom_user_of(participant: dict[str, Any]) -> str | None:
    """The participant's Zoom user id (``id``; a guest's is empty). ``user_id`` is only their
    id in this meeting, so it names no person."""
    return _text(participant.get("id")) or _text(participant.get("participant_user_id"))


def _scheduled_end(obj: dict[str, Any]) -> datetime | None:
    start = parse_time(obj.get("start_time"))
    duration = obj.get("duration")
    if (
        obj.get("type") not in SCHEDULED_TYPES
        or start is None
        or not isinstance(duration, int)
        or duration <= 0
    ):
        return None
    return start + timedelta(minutes=duration)


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
