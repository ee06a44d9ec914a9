"""What each Zoom event changes here (``bot/zoom/webhooks.py`` verifies, deduplicates and hands it over).

- ``meeting.updated`` / ``meeting.deleted``: reminders follow the meeting or are cancelled.
- ``meeting.started``, ``meeting.participant_joined`` / ``_left``, ``meeting.ended``: the
  meeting's live state (stored, so every process and every restart agree), then its Join
  cards are brought up to date, coalesced (``bot/slack/live/cards.py``).
- The same joins, leaves and end go to the meeting's Slack call (``bot/services/call_feed.py``).
- ``recording.completed``, ``recording.transcript_completed``, ``meeting.summary_completed``:
  into the cards' threads (``bot/slack/live/threads.py``); ``meeting.ended`` also schedules the
  attendance for them (``bot/services/attendance_followup.py``).
- ``app_deauthorized``: the user's link, reminders, digest and meeting posts are removed.

Only meetings the bot posted a card for are followed: other meetings' participants are
none of its business.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from bot.services.attendance_followup import AttendanceFollowUp
from bot.services.call_feed import CallFeed, call_person, call_seconds
from bot.services.digests import DigestService
from bot.services.recording_actions import RecordingRef
from bot.services.reminders import ReminderService
from bot.store.events import AuditTrail
from bot.store.links import LinkStore
from bot.store.meeting_live import LiveMeetingStore
from bot.store.meeting_posts import MeetingPostStore
from bot.zoom.models import MeetingSummary, parse_time

log = logging.getLogger(__name__)

DEAUTHORIZED_ACTION = "zoom_app_deauthorized"
# Events zoombot acts on (the README's list of subscriptions).
SUBSCRIBED_EVENTS = (
    "meeting.updated",
    "meeting.deleted",
    "meeting.started",
    "meeting.participant_joined",
    "meeting.participant_left",
    "meeting.ended",
    "recording.completed",
    "recording.transcript_completed",
    "meeting.summary_completed",
    "app_deauthorized",
)

Clock = Callable[[], datetime]


class CardRefresher(Protocol):
    """What the effects need from the live Join cards (``bot/slack/live/cards.py``)."""

    def changed(self, meeting_id: int) -> None: ...

    async def drain(self) -> None: ...


class ThreadPoster(Protocol):
    """What the effects need from the cards' threads (``bot/slack/live/threads.py``)."""

    async def recording_completed(
        self, meeting_id: int, topic: str, share_url: str, ref: RecordingRef | None = None
    ) -> int: ...

    async def transcript_completed(self, meeting_id: int, topic: str, share_url: str) -> int: ...

    async def summary_completed(self, from_webhook: MeetingSummary) -> int: ...


def participant_key(participant: dict[str, Any]) -> str | None:
    """Who one stay in the meeting belongs to, as both the join and the leave payload name it.

    ``user_id`` (the participant's meeting user id, required in both payloads) first, then
    ``participant_uuid``, then the Zoom user ``id``.
    """
    for field in ("user_id", "participant_uuid", "participant_user_id", "id"):
        value = participant.get(field)
        if value not in (None, ""):
            return str(value)
    return None


class ZoomEventEffects:
    def __init__(
        self,
        *,
        reminders: ReminderService,
        digests: DigestService,
        links: LinkStore,
        posts: MeetingPostStore,
        live: LiveMeetingStore,
        cards: CardRefresher,
        threads: ThreadPoster,
        audit: AuditTrail,
        clock: Clock,
        forget_person: Callable[[str, str], None] | None = None,
        attendance: AttendanceFollowUp | None = None,
        calls: CallFeed | None = None,
    ) -> None:
        self._reminders = reminders
        self._digests = digests
        self._links = links
        self._posts = posts
        self._live = live
        self._cards = cards
        self._threads = threads
        self._audit = audit
        self._clock = clock
        self._forget_person = forget_person
        self._attendance = attendance
        self._calls = calls

    async def apply(self, event: str, payload: dict[str, Any]) -> None:
        handler = {
            "meeting.updated": self.meeting_updated,
            "meeting.deleted": self.meeting_deleted,
            "meeting.started": self.meeting_started,
            "meeting.participant_joined": self.participant_joined,
            "meeting.participant_left": self.participant_left,
            "meeting.ended": self.meeting_ended,
            "recording.completed": self.recording_completed,
            "recording.transcript_completed": self.transcript_completed,
            "meeting.summary_completed": self.summary_completed,
            "app_deauthorized": self.app_deauthorized,
        }.get(event)
        if handler is None:
            log.info("Zoom event %s ignored (not subscribed to by zoombot)", event)
            return
        await handler(payload)

    async def drain(self) -> None:
        """Wait for the card and call updates the events started (tests; shutdown)."""
        await self._cards.drain()
        if self._calls is not None:
            await self._calls.drain()

    # -- reminders -----------------------------------------------------------------------

    async def meeting_updated(self, payload: dict[str, Any]) -> None:
        obj = _object(payload)
        if isinstance(obj.get("occurrences"), list) and "id" in obj:
            # One occurrence (or a few) of a series changed: only their reminders follow.
            followed = 0
            for occurrence in obj["occurrences"]:
                start = parse_time(occurrence.get("start_time")) if isinstance(occurrence, dict) else None
                if start is not None and occurrence.get("occurrence_id"):
                    followed += await self._reminders.occurrence_moved(
                        int(obj["id"]), str(occurrence["occurrence_id"]), start, now=self._clock()
                    )
            log.info("meeting occurrence moved at Zoom: %d reminder(s) followed", followed)
            return
        if "start_time" not in obj or "id" not in obj:
            return  # topic, agenda… changed: reminders keep their time
        moved = await self._reminders.meeting_moved(
            int(obj["id"]), parse_time(obj.get("start_time")), now=self._clock()
        )
        log.info("meeting moved at Zoom: %d reminder(s) followed", moved)

    async def meeting_deleted(self, payload: dict[str, Any]) -> None:
        obj = _object(payload)
        meeting_id = int(obj["id"])
        occurrences = obj.get("occurrences")
        if isinstance(occurrences, list) and occurrences:
            starts = {start for o in occurrences if (start := parse_time(o.get("start_time"))) is not None}
            cancelled = await self._reminders.occurrences_cancelled(meeting_id, starts, now=self._clock())
        else:
            cancelled = await self._reminders.meeting_cancelled(meeting_id)
        log.info("meeting deleted at Zoom: %d reminder(s) cancelled", cancelled)

    # -- the live card -------------------------------------------------------------------

    async def meeting_started(self, payload: dict[str, Any]) -> None:
        obj = _object(payload)
        meeting_id = int(obj["id"])
        if not await self._posts.tracks(meeting_id):
            return
        changed = await self._live.started(
            meeting_id, str(obj["uuid"]), topic=_topic(obj), at=parse_time(obj.get("start_time"))
        )
        if changed:
            self._cards.changed(meeting_id)

    async def participant_joined(self, payload: dict[str, Any]) -> None:
        await self._participant(payload, joined=True)

    async def participant_left(self, payload: dict[str, Any]) -> None:
        await self._participant(payload, joined=False)

    async def _participant(self, payload: dict[str, Any], *, joined: bool) -> None:
        obj = _object(payload)
        uuid = str(obj.get("uuid") or "")
        participant = obj.get("participant") if isinstance(obj.get("participant"), dict) else {}
        assert isinstance(participant, dict)
        key = participant_key(participant)
        at = parse_time(participant.get("join_time" if joined else "leave_time"))
        meeting_id = await self._meeting_id(obj, uuid)
        if meeting_id is None or not uuid or key is None or at is None:
            return
        if joined:
            changed = await self._live.joined(meeting_id, uuid, key, at=at, topic=_topic(obj))
        else:
            changed = await self._live.left(meeting_id, uuid, key, at=at)
        if changed:
            self._cards.changed(meeting_id)
            # Only a change the card counted reaches the call: repeats and late deliveries do not.
            if self._calls is not None:
                person = call_person(key, participant)
                (self._calls.joined if joined else self._calls.left)(meeting_id, person)

    async def _meeting_id(self, obj: dict[str, Any], uuid: str) -> int | None:
        raw = str(obj.get("id") or "").strip()
        if raw.isdigit():
            meeting_id = int(raw)
            return meeting_id if await self._posts.tracks(meeting_id) else None
        # The joined payload does not require the id; the instance's UUID names it too.
        return await self._live.meeting_for_uuid(uuid) if uuid else None

    async def meeting_ended(self, payload: dict[str, Any]) -> None:
        obj = _object(payload)
        meeting_id = int(obj["id"])
        started_at, ended_at = parse_time(obj.get("start_time")), parse_time(obj.get("end_time"))
        if self._calls is not None:
            # Before the card check: a call whose card could not be remembered still ends.
            self._calls.ended(meeting_id, call_seconds(started_at, ended_at))
        if not await self._posts.tracks(meeting_id):
            return
        changed = await self._live.ended(
            meeting_id,
            str(obj.get("uuid") or ""),
            topic=_topic(obj),
            started_at=started_at,
            ended_at=ended_at,
        )
        if changed:
            self._cards.changed(meeting_id)
        if self._attendance is not None:
            host_id = str(obj.get("host_id") or "") or None
            await self._attendance.meeting_ended(
                meeting_id, str(obj.get("uuid") or ""), host_id=host_id, topic=_topic(obj)
            )

    # -- the thread ----------------------------------------------------------------------

    async def recording_completed(self, payload: dict[str, Any]) -> None:
        obj = _object(payload)
        ref = RecordingRef.of(str(obj.get("uuid") or ""), parse_time(obj.get("start_time")))
        await self._threads.recording_completed(
            int(obj["id"]), _topic(obj) or "Zoom meeting", str(obj.get("share_url") or ""), ref
        )

    async def transcript_completed(self, payload: dict[str, Any]) -> None:
        obj = _object(payload)
        await self._threads.transcript_completed(
            int(obj["id"]), _topic(obj) or "Zoom meeting", str(obj.get("share_url") or "")
        )

    async def summary_completed(self, payload: dict[str, Any]) -> None:
        summary = MeetingSummary.from_zoom(_object(payload))
        if summary.meeting_id:
            await self._threads.summary_completed(summary)

    # -- uninstall -----------------------------------------------------------------------

    async def app_deauthorized(self, payload: dict[str, Any]) -> None:
        zoom_user_id = str(payload.get("user_id") or "")
        if not zoom_user_id:
            return
        removed = await self._links.delete_by_zoom_user(zoom_user_id)  # tokens gone first: no more API use
        now = self._clock()
        for link in removed:
            meeting_ids = set(await self._reminders.owner_removed(link.team_id, link.user_id))
            await self._digests.owner_removed(link.team_id, link.user_id)
            meeting_ids.update(await self._posts.forget_by_author(link.team_id, link.user_id))
            for meeting_id in meeting_ids:
                await self._posts.forget(meeting_id)
                if self._calls is not None:  # a call left running would never end
                    self._calls.ended(meeting_id, None, forget=True)
            await self._live.forget(meeting_ids)
            if self._forget_person is not None:
                self._forget_person(link.team_id, link.user_id)
            await self._audit.record(f"zoom_link:{link.id}", DEAUTHORIZED_ACTION, now=now)
        log.info("Zoom app deauthorized: %d link(s) and their data removed", len(removed))


def _object(payload: dict[str, Any]) -> dict[str, Any]:
    obj = payload.get("object")
    if not isinstance(obj, dict):
        raise ValueError("event without an object")
    return obj


def _topic(obj: dict[str, Any]) -> str | None:
    topic = obj.get("topic")
    return str(topic) if topic else None
