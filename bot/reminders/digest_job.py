"""Send the weekday-morning digest DMs that are due.

Due means: a weekday (Monday–Friday) in the subscriber's zone, the local wall-clock
time has reached their chosen time (``zoneinfo`` makes this DST-correct: 08:30 is
08:30 local before and after the change), it is at most ``LATE_LIMIT`` past it (a
process that was down all day does not send a "good morning" at night), and today's
digest has not been claimed. ``DigestStore.claim_day`` decides which process sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.refusals import Refusal
from bot.slack.outbox import SlackOut, SlackOutError
from bot.slack.views import background as messages
from bot.slack.views._blocks import SlackMessage, message, section
from bot.store.digests import Digest, DigestStore
from bot.zoom.errors import NotLinkedError, ZoomError
from bot.zoom.models import Meeting

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# (team id, user id, start, end) -> the user's meetings starting in [start, end)
MeetingsFor = Callable[[str, str, datetime, datetime], Awaitable[Sequence[Meeting]]]

LATE_LIMIT = timedelta(hours=6)
PARALLEL_DIGESTS = 8


def due_day(digest: Digest, now: datetime) -> date | None:
    """The local day whose digest is due at ``now``, or None."""
    local = now.astimezone(ZoneInfo(digest.tz_name))
    if local.weekday() >= 5:
        return None
    day = local.date()
    if digest.last_sent_on is not None and digest.last_sent_on >= day:
        return None
    scheduled = datetime.combine(day, digest.at, tzinfo=local.tzinfo)
    # Compare instants, not wall times: wall-clock arithmetic across a DST change is off by an hour.
    if not scheduled <= now < scheduled + LATE_LIMIT:
        return None
    return day


def end_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=tz)


def _trouble_notice(error: BaseException) -> SlackMessage:
    if isinstance(error, NotLinkedError):
        text = (
            ":sunrise: Your morning digest needs a linked Zoom account: run `/zoom link`, "
            "or `/zoom digest off` to stop it."
        )
    else:
        text = (
            ":sunrise: I couldn't read today's meetings from Zoom for your digest. "
            "`/zoom list today` tries again and explains what went wrong."
        )
    return message("Your Zoom digest could not be prepared", [section(text)])


class DigestSender:
    def __init__(
        self, store: DigestStore, slack: SlackOut, meetings_for: MeetingsFor, *, clock: Clock
    ) -> None:
        self._store = store
        self._slack = slack
        self._meetings_for = meetings_for
        self._clock = clock
        self._parallel = asyncio.Semaphore(PARALLEL_DIGESTS)

    async def run_once(self) -> int:
        """Send every digest due now that this process wins; returns how many it sent."""
        now = self._clock()
        due = [(digest, day) for digest in await self._store.enabled() if (day := due_day(digest, now))]
        sent = await asyncio.gather(*(self._send(digest, day, now) for digest, day in due))
        return sum(sent)

    async def _send(self, digest: Digest, day: date, now: datetime) -> bool:
        async with self._parallel:
            if not await self._store.claim_day(digest.id, day):
                return False  # another process has it
            tz = ZoneInfo(digest.tz_name)
            try:
                meetings = await self._meetings_for(
                    digest.team_id, digest.user_id, now, end_of_local_day(day, tz)
                )
            except (ZoomError, Refusal, NotLinkedError) as error:
                log.info("digest %s: could not read meetings (%s)", digest.id, type(error).__name__)
                return await self._dm(digest, _trouble_notice(error))
            if not meetings and not digest.send_empty:
                return False
            return await self._dm(digest, messages.digest(meetings, day=day, tz=tz, now=now))

    async def _dm(self, digest: Digest, body: SlackMessage) -> bool:
        try:
            await self._slack.dm(digest.team_id, digest.user_id, body)
        except SlackOutError as error:
            # Today's claim is taken: this day's digest is lost rather than risking two.
            log.warning("digest %s not delivered today (%s)", digest.id, error)
            return False
        return True
