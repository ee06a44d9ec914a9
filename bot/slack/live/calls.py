"""Zoom meetings as Slack calls: ``calls.add`` for a new card, then its participants and its end.

:meth:`SlackCalls.register` runs inside ``/zoom new`` and ``/zoom join``: a meeting that
already has a running call in the workspace gets the same one (a second card shows the same
call), otherwise ``calls.add`` makes one. Any refusal (an install that predates the
``calls:write`` scope answers ``missing_scope``) leaves the card without a call and logs why:
the meeting itself never depends on the call.

The feed methods (:class:`bot.services.call_feed.CallFeed`) are called by the webhook effects
and return at once; one worker per meeting sends the changes in the order they came, and
folds a burst (a crowd joining) into one ``calls.participants.add`` per run, within Slack's
Tier 3 limits. Across processes, the ``slack_calls`` table says which calls still run and
lets exactly one process send ``calls.end``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.services.call_feed import CallPerson
from bot.slack.live.call_people import CallPeople, CallUser
from bot.slack.mrkdwn import format_meeting_id
from bot.slack.outbox import SlackOut, SlackOutError, SlackRateLimited, SlackRefused, SlackUnavailable
from bot.store.slack_calls import RegisteredCall, SlackCallStore
from bot.zoom.models import Meeting

log = logging.getLogger(__name__)

MAX_TITLE = 255
MAX_TRIES = 3
MAX_WAIT_S = 30.0
BACKOFF_S = 1.0
# Slack's answers meaning the call is over or gone there: it is marked ended here too.
_CALL_GONE = ("invalid_call_id", "inactive_call", "call_not_found", "already_ended")

Kind = Literal["add", "remove", "end"]


@dataclass(frozen=True)
class _Change:
    kind: Kind
    person: CallPerson | None = None
    duration_s: int | None = None
    forget: bool = False


class SlackCalls:
    def __init__(self, store: SlackCallStore, slack: SlackOut, *, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._slack = slack
        self._clock = clock
        self._people = CallPeople(slack)
        self._pending: dict[int, list[_Change]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}

    # -- registering -------------------------------------------------------------------

    async def register(self, team_id: str, user_id: str, meeting: Meeting) -> str | None:
        """The Slack call id for the meeting's card, or None (no call: the card goes without)."""
        if not meeting.join_url.startswith(("https://", "http://")):
            return None
        try:
            for running in await self._store.running(meeting.id, team_id=team_id):
                if await self._still_running(team_id, running.call_id):
                    return running.call_id
                await self._store.ended(running.id, at=self._clock())
            answer = await self._slack.api(team_id, "calls_add", self._add_arguments(user_id, meeting))
        except SlackOutError as error:
            log.warning("meeting not registered as a Slack call (%s); its card is posted without one", error)
            return None
        call_id = str((answer.get("call") or {}).get("id") or "")
        if not call_id:
            log.warning("calls.add answered without a call id; the card is posted without a call")
            return None
        try:
            await self._store.add(meeting.id, team_id, call_id, created_by=user_id)
        except Exception:  # the database: a call nobody could follow must not stay open in Slack
            log.warning("a new Slack call could not be stored; ending it", exc_info=True)
            await self._end_quietly(team_id, call_id)
            return None
        return call_id

    def _add_arguments(self, user_id: str, meeting: Meeting) -> dict[str, Any]:
        return {
            # The instance's UUID names this meeting's run; a meeting without one, its id.
            "external_unique_id": meeting.uuid or str(meeting.id),
            "external_display_id": format_meeting_id(meeting.id),
            "join_url": meeting.join_url,
            "title": (meeting.topic or "Zoom meeting")[:MAX_TITLE],
            "created_by": user_id,
            "date_start": int(self._clock().timestamp()),
        }

    async def _still_running(self, team_id: str, call_id: str) -> bool:
        """``calls.info``: a call ended behind our back (a lost ``meeting.ended``) is not reused."""
        try:
            info = await self._slack.api(team_id, "calls_info", {"id": call_id})
        except SlackRefused as refused:
            if refused.error in _CALL_GONE:
                return False
            raise
        return not (info.get("call") or {}).get("date_end")

    async def _end_quietly(self, team_id: str, call_id: str) -> None:
        try:
            await self._slack.api(team_id, "calls_end", {"id": call_id})
        except SlackOutError as error:
            log.warning("an unstored Slack call could not be ended (%s)", error)

    # -- the feed (bot.services.call_feed.CallFeed) ------------------------------------

    def joined(self, meeting_id: int, person: CallPerson) -> None:
        self._queue(meeting_id, _Change("add", person))

    def left(self, meeting_id: int, person: CallPerson) -> None:
        self._queue(meeting_id, _Change("remove", person))

    def ended(self, meeting_id: int, duration_s: int | None, *, forget: bool = False) -> None:
        self._queue(meeting_id, _Change("end", duration_s=duration_s, forget=forget))

    async def drain(self) -> None:
        """Wait until every change queued here went out (tests; shutdown)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def aclose(self, grace: float = 5.0) -> None:
        try:
            async with asyncio.timeout(grace):
                await self.drain()
        except TimeoutError:
            for task in list(self._workers.values()):
                task.cancel()
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    def _queue(self, meeting_id: int, change: _Change) -> None:
        self._pending.setdefault(meeting_id, []).append(change)
        if meeting_id not in self._workers:
            self._workers[meeting_id] = asyncio.create_task(
                self._work(meeting_id), name=f"slack-call:{meeting_id}"
            )

    async def _work(self, meeting_id: int) -> None:
        try:
            while True:
                # No await between finding nothing and leaving: a change queued meanwhile
                # would find this worker gone and start another.
                changes = self._pending.pop(meeting_id, [])
                if not changes:
                    return
                try:
                    await self._send(meeting_id, changes)
                except Exception:
                    log.exception("a meeting's Slack call could not be brought up to date")
        finally:
            self._workers.pop(meeting_id, None)

    async def _send(self, meeting_id: int, changes: list[_Change]) -> None:
        calls = await self._store.running(meeting_id)
        if not calls:
            if any(c.forget for c in changes):
                await self._store.forget([meeting_id])
            return
        for kind, run in _runs(changes):
            if kind == "end":
                await self._end(meeting_id, calls, run)
                return  # the calls are over: what followed belongs to no running call
            for call in calls:
                users = _unique([await self._people.user(call.team_id, c.person) for c in run if c.person])
                method = "calls_participants_add" if kind == "add" else "calls_participants_remove"
                await self._call(call, method, {"id": call.call_id, "users": users})

    async def _end(self, meeting_id: int, calls: list[RegisteredCall], run: list[_Change]) -> None:
        duration = next((c.duration_s for c in run if c.duration_s is not None), None)
        for call in calls:
            if await self._store.ended(call.id, at=self._clock()):  # one process sends it
                arguments: dict[str, Any] = {"id": call.call_id}
                if duration is not None:
                    arguments["duration"] = duration
                await self._call(call, "calls_end", arguments)
        if any(c.forget for c in run):
            await self._store.forget([meeting_id])

    async def _call(self, call: RegisteredCall, method: str, arguments: dict[str, Any]) -> None:
        for attempt in range(1, MAX_TRIES + 1):
            try:
                await self._slack.api(call.team_id, method, arguments)
                return
            except SlackRateLimited as limited:
                wait = min(limited.retry_after, MAX_WAIT_S)
            except SlackUnavailable:
                wait = BACKOFF_S * attempt
            except SlackRefused as refused:
                log.warning("Slack refused %s for a meeting's call (%s)", method, refused.error)
                if refused.error in _CALL_GONE:
                    await self._store.ended(call.id, at=self._clock())
                return
            if attempt < MAX_TRIES:
                await asyncio.sleep(wait)
        log.warning("Slack did not take %s for a meeting's call after %d tries", method, MAX_TRIES)


def _runs(changes: list[_Change]) -> list[tuple[Kind, list[_Change]]]:
    """Consecutive changes of one kind, in order: each run is one Slack call."""
    runs: list[tuple[Kind, list[_Change]]] = []
    for change in changes:
        if runs and runs[-1][0] == change.kind:
            runs[-1][1].append(change)
        else:
            runs.append((change.kind, [change]))
    return runs


def _unique(users: list[CallUser]) -> list[CallUser]:
    seen: set[tuple[tuple[str, str], ...]] = set()
    kept = []
    for user in users:
        key = tuple(sorted(user.items()))
        if key not in seen:
            seen.add(key)
            kept.append(user)
    return kept
