"""After a meeting with a channel card ends, its attendance goes into the card's thread once Zoom has it.

Zoom prepares a meeting's participant list minutes after the end and answers 3001 until
then, so ``meeting.ended`` only schedules a job: a row in ``attendance_jobs`` (one per
instance, by UUID) due two minutes later. Every process's worker runs :meth:`run_due` on
its housekeeping tick; a job is claimed under a lease, so one process reads Zoom and posts.
While Zoom has no list (or is unreachable) the job is tried again after 4, 8, 16, 32 minutes,
up to an hour after the end; then the thread is told Zoom never had it.

The list is read as whoever posted the card, and only if they hosted the meeting: the
attendance is the host's data. A channel where `/zoom attendance off` was run gets nothing.

Exactly once: a claimed job is finished in one conditional UPDATE after its posts. The one
window for a second post is a process that dies between posting and finishing: its lease
(two minutes) runs out and another process posts again; a lease never runs out under a
live process, whose work takes seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.services.attendance import Attendance, summarize
from bot.services.zoom_access import ZoomActor
from bot.store.attendance_jobs import AttendanceJobRow, AttendanceJobStore
from bot.store.channel_attendance import ChannelAttendanceStore
from bot.store.meeting_posts import MeetingPostStore, PostedMessage
from bot.zoom.attendance import Stay
from bot.zoom.errors import ZoomError, ZoomErrorKind

log = logging.getLogger(__name__)

FIRST_TRY = timedelta(minutes=2)  # Zoom's list usually appears a minute or two after the end
GIVE_UP_AFTER = timedelta(hours=1)
LEASE = timedelta(minutes=2)
BATCH = 10  # jobs per round: each is a Zoom read or two and a post per channel
KEEP_FINISHED = timedelta(days=7)
# Zoom saying "not yet" (3001) or being briefly unable to answer: try again later.
_NOT_YET = frozenset(
    {
        ZoomErrorKind.MEETING_NOT_FOUND,
        ZoomErrorKind.RATE_LIMITED,
        ZoomErrorKind.DAILY_LIMIT,
        ZoomErrorKind.UNAVAILABLE,
    }
)

Clock = Callable[[], datetime]


class NotTheHost(Exception):
    """The card's author did not host this meeting: the list is not theirs to read or show."""


# Reads the participants of one instance as the card's author:
# (team id, Slack user id, meeting UUID, the host's Zoom user id from the webhook).
AttendanceReader = Callable[[str, str, str, str | None], Awaitable[list[Stay]]]


class AttendancePoster(Protocol):
    """What the jobs need from the cards' threads (``bot/slack/live/attendance.py``)."""

    async def attendance_ready(
        self, posts: Sequence[PostedMessage], meeting_id: int, topic: str, attendance: Attendance
    ) -> int: ...

    async def attendance_gave_up(
        self, posts: Sequence[PostedMessage], meeting_id: int, topic: str
    ) -> int: ...

    async def attendance_unavailable(
        self, team_id: str, user_id: str, meeting_id: int, topic: str, error: Exception
    ) -> None: ...


class AttendanceFollowUp:
    def __init__(
        self,
        jobs: AttendanceJobStore,
        posts: MeetingPostStore,
        channels: ChannelAttendanceStore,
        *,
        read: AttendanceReader,
        poster: AttendancePoster,
        owner: str,
        clock: Clock,
    ) -> None:
        self._jobs = jobs
        self._posts = posts
        self._channels = channels
        self._read = read
        self._poster = poster
        self._owner = owner
        self._clock = clock

    async def meeting_ended(
        self, meeting_id: int, meeting_uuid: str, *, host_id: str | None, topic: str | None
    ) -> bool:
        """Schedule the instance's attendance post; False when no channel wants it or it is scheduled."""
        if not meeting_uuid or not await self._wanted_posts(meeting_id):
            return False
        now = self._clock()
        return await self._jobs.schedule(
            meeting_id,
            meeting_uuid,
            host_id=host_id,
            topic=topic,
            due_at=now + FIRST_TRY,
            give_up_at=now + GIVE_UP_AFTER,
        )

    async def run_due(self) -> int:
        """Claim the jobs due now and run each; returns how many were claimed."""
        claimed = await self._jobs.claim_due(self._owner, self._clock(), lease=LEASE, limit=BATCH)
        for job in claimed:
            try:
                await self._run(job)
            except Exception:  # one job's bug must not stop the others; its lease runs out, it is retried
                log.exception("attendance job %d failed unexpectedly", job.id)
        return len(claimed)

    async def prune(self) -> int:
        return await self._jobs.prune(self._clock() - KEEP_FINISHED)

    async def _run(self, job: AttendanceJobRow) -> None:
        posts = await self._wanted_posts(job.meeting_id)
        topic = job.topic or "Zoom meeting"
        if not posts:  # the cards are gone, or every channel turned attendance off meanwhile
            await self._finish(job, "failed")
            return
        not_yet: Exception | None = None
        refused: tuple[str, str, Exception] | None = None
        for team_id, user_id in _authors(posts):
            try:
                stays = await self._read(team_id, user_id, job.meeting_uuid, job.host_id)
            except NotTheHost:
                continue
            except ZoomError as error:
                if error.kind in _NOT_YET:
                    not_yet = error
                    break
                refused = refused or (team_id, user_id, error)
                continue
            except Exception as error:  # not linked, no Slack e-mail (account mode): theirs to fix
                refused = refused or (team_id, user_id, error)
                continue
            await self._poster.attendance_ready(posts, job.meeting_id, topic, summarize(stays))
            await self._finish(job, "posted")
            return
        if not_yet is not None:
            await self._later(job, posts, topic, not_yet)
            return
        if refused is not None:
            team_id, user_id, cause = refused
            log.info("attendance of a meeting could not be read (%s)", type(cause).__name__)
            await self._poster.attendance_unavailable(team_id, user_id, job.meeting_id, topic, cause)
        await self._finish(job, "failed")

    async def _later(
        self, job: AttendanceJobRow, posts: list[PostedMessage], topic: str, why: Exception
    ) -> None:
        now = self._clock()
        if now >= job.give_up_at:
            log.info("attendance of a meeting gave up after %d tries (%s)", job.attempts, why)
            await self._poster.attendance_gave_up(posts, job.meeting_id, topic)
            await self._finish(job, "gave_up")
            return
        backoff = FIRST_TRY * (2 ** max(job.attempts, 1))  # 4, 8, 16, 32… minutes
        due = min(now + backoff, job.give_up_at)
        if not await self._jobs.retry_at(job.id, self._owner, due, now=now):
            log.warning("attendance job %d lost its lease before it could be put back", job.id)

    async def _finish(self, job: AttendanceJobRow, status: str) -> None:
        if not await self._jobs.finish(job.id, self._owner, status, now=self._clock()):
            log.warning("attendance job %d lost its lease before it was finished (%s)", job.id, status)

    async def _wanted_posts(self, meeting_id: int) -> list[PostedMessage]:
        """One card per channel (the first), in channels that have not turned attendance off."""
        seen: set[tuple[str, str]] = set()
        chosen = []
        for post in await self._posts.for_meeting(meeting_id):
            where = (post.team_id, post.channel_id)
            if where in seen:
                continue
            seen.add(where)
            if (await self._channels.get(post.team_id, post.channel_id)).enabled:
                chosen.append(post)
        return chosen


def _authors(posts: Sequence[PostedMessage]) -> list[tuple[str, str]]:
    """Who posted the cards, each once, in the order they posted."""
    found: list[tuple[str, str]] = []
    for post in posts:
        if post.user_id and (post.team_id, post.user_id) not in found:
            found.append((post.team_id, post.user_id))
    return found


async def read_as_host(actor: ZoomActor, meeting_uuid: str, host_id: str | None) -> list[Stay]:
    """The instance's participants, if ``actor`` hosted it (the webhook names the host)."""
    if host_id is None:
        if actor.mode == "account":  # the account token reads anyone's: without a host, nobody's
            raise NotTheHost()
    elif (await actor.me()).id != host_id:
        raise NotTheHost()
    return await actor.instance_attendance(meeting_uuid)
