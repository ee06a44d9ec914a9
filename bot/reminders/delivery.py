"""Deliver due reminders: claim rows under a lease, post them paced per channel, record the result.

Guarantees
----------
Any number of processes run :meth:`ReminderDelivery.run_round` against one database.
A row is posted only by the process whose claim (``status pending → sending`` with
``lease_owner``) succeeded, and recorded ``sent`` only by that owner. A process that
dies while holding claims leaves ``sending`` rows whose lease expires; any process's
next round returns them to ``pending`` (``reap_expired``) and delivers them.

The one remaining duplicate window: Slack accepted ``chat.postMessage`` but its answer
never reached us, or we crashed between Slack's answer and our ``UPDATE … SET
status='sent'`` commit. ``chat.postMessage`` has no idempotency key, so the row is
posted again after the lease. To keep the window small nothing else happens between
Slack's answer and that commit (no logging I/O, no other awaits), and a post that would
outlive the lease is not started at all (see ``_fits_lease``). Each post carries the
reminder id in its message metadata and block id, so a duplicate can be traced.

Lateness policy (decided at posting time, against the row's *original* due time
``meeting_start_at − minutes_before``, not the pushed-back ``due_at``):

- on time (within ``delayed_after``): posted as usual;
- later, but the meeting has not started: posted marked "(delayed)";
- the meeting has started: not posted; the row becomes ``missed`` and the owner gets
  one DM saying so. Nothing is dropped silently.

Recurring meetings: the row that records a post (or a miss) also writes the row for the
meeting's next occurrence, in the same transaction (``ReminderStore._finish``), so the
follow-up exists exactly once whichever process delivered.

Rate limits: posts to one channel are spaced by the process's :class:`ChannelPacer`.
A 429 puts the row — and the rest of that channel's batch — back to ``pending`` with
``due_at`` pushed past ``Retry-After``; the process does not sleep on leases it holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.reminders.pacing import ChannelPacer
from bot.slack.outbox import SlackOut, SlackRateLimited, SlackRefused, SlackUnavailable
from bot.slack.views import background as messages
from bot.store.reminders import ReminderRow, ReminderStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ChannelKey = tuple[str, str]  # (team id, channel id)

DEFAULT_LEASE = timedelta(seconds=60)
DEFAULT_BATCH = 500
DEFAULT_DELAYED_AFTER = timedelta(minutes=2)
DEFAULT_MAX_PACING_WAIT_S = 10.0
DEFAULT_PARALLEL_POSTS = 32
LEASE_MARGIN_S = 1.0
RETRY_BASE_S = 5.0
RETRY_CAP_S = 300.0


class Verdict(StrEnum):
    ON_TIME = "on_time"
    DELAYED = "delayed"
    MISSED = "missed"


def lateness(row: ReminderRow, now: datetime, *, delayed_after: timedelta = DEFAULT_DELAYED_AFTER) -> Verdict:
    late = now - row.original_due_at
    # A "0 minutes before" reminder is due at the start itself, so a moment past the
    # start is still on time for it; any other reminder is pointless once it began.
    on_time_at_start = row.minutes_before == 0 and late <= delayed_after
    if now >= row.meeting_start_at and not on_time_at_start:
        return Verdict.MISSED
    if late > delayed_after:
        return Verdict.DELAYED
    return Verdict.ON_TIME


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a transient failure: 5 s, 10 s, 20 s … capped at 5 minutes."""
    return timedelta(seconds=min(RETRY_BASE_S * 2 ** max(attempts - 1, 0), RETRY_CAP_S))


@dataclass
class RoundReport:
    reaped: int = 0
    claimed: int = 0
    sent: int = 0
    delayed: int = 0
    missed: int = 0
    failed: int = 0
    released: int = 0
    lost_lease: int = 0


class _Outcome(StrEnum):
    DONE = "done"
    RATE_LIMITED = "rate_limited"
    RELEASED = "released"


@dataclass
class _Round:
    lease_until: datetime
    report: RoundReport
    held: set[int] = field(default_factory=set)  # claimed, post not started: safe to hand back


class ReminderDelivery:
    def __init__(
        self,
        store: ReminderStore,
        slack: SlackOut,
        *,
        owner: str,
        clock: Clock,
        pacer: ChannelPacer | None = None,
        lease: timedelta = DEFAULT_LEASE,
        batch: int = DEFAULT_BATCH,
        delayed_after: timedelta = DEFAULT_DELAYED_AFTER,
        max_pacing_wait: float = DEFAULT_MAX_PACING_WAIT_S,
        parallel_posts: int = DEFAULT_PARALLEL_POSTS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_outcome: Callable[[str], None] | None = None,
    ) -> None:
        if lease.total_seconds() <= slack.timeout + LEASE_MARGIN_S:
            raise ValueError("the lease must outlast one Slack call (timeout) plus a margin")
        self.owner = owner
        self._store = store
        self._slack = slack
        self._clock = clock
        self._pacer = pacer or ChannelPacer()
        self._lease = lease
        self._batch = batch
        self._delayed_after = delayed_after
        self._max_pacing_wait = max_pacing_wait
        self._posts = asyncio.Semaphore(parallel_posts)
        self._sleep = sleep
        self._on_outcome = on_outcome or (lambda _state: None)
        self._current: _Round | None = None

    @property
    def batch(self) -> int:
        return self._batch

    async def run_round(self) -> RoundReport:
        """Reap dead leases, claim one batch of due rows, deliver it. Safe to run in every process."""
        now = self._clock()
        report = RoundReport(reaped=await self._store.reap_expired(now))
        rows = await self._store.claim_due(self.owner, now, lease=self._lease, limit=self._batch)
        report.claimed = len(rows)
        if not rows:
            return report
        current = _Round(lease_until=now + self._lease, report=report, held={row.id for row in rows})
        self._current = current
        queues: dict[ChannelKey, list[ReminderRow]] = defaultdict(list)
        for row in rows:
            queues[(row.team_id, row.channel_id)].append(row)
        try:
            await asyncio.gather(*(self._channel_queue(key, queue, current) for key, queue in queues.items()))
        finally:
            self._current = None
        return report

    async def hand_back(self) -> int:
        """On shutdown: give back claimed rows whose post has not started (others retake them at once)."""
        current = self._current
        if current is None or not current.held:
            return 0
        ids, current.held = list(current.held), set()
        return await self._store.release(ids, self.owner, due_at=self._clock())

    # -- one channel's share of the batch -------------------------------------------------

    async def _channel_queue(self, key: ChannelKey, queue: Sequence[ReminderRow], current: _Round) -> None:
        for index, row in enumerate(queue):
            wait = self._pacer.delay(key)
            if wait > self._max_pacing_wait or not self._fits_lease(current, wait):
                await self._release(queue[index:], current, due_at=self._clock() + timedelta(seconds=wait))
                return
            if wait > 0:
                await self._sleep(wait)
            try:
                outcome = await self._deliver(key, row, current)
            except Exception:  # e.g. the database went away: the lease expires and another round retries
                log.exception("delivering reminder %s failed; it will be retried after its lease", row.id)
                current.held.discard(row.id)
                continue
            if outcome is _Outcome.RATE_LIMITED:
                rest = queue[index + 1 :]
                await self._release(
                    rest, current, due_at=self._clock() + timedelta(seconds=self._pacer.delay(key))
                )
                return

    def _fits_lease(self, current: _Round, wait: float) -> bool:
        left = (current.lease_until - self._clock()).total_seconds()
        return left > wait + self._slack.timeout + LEASE_MARGIN_S

    async def _release(self, rows: Sequence[ReminderRow], current: _Round, *, due_at: datetime) -> None:
        ids = [row.id for row in rows if row.id in current.held]
        current.held.difference_update(ids)
        current.report.released += await self._store.release(ids, self.owner, due_at=due_at)

    # -- one reminder -------------------------------------------------------------------------

    async def _deliver(self, key: ChannelKey, row: ReminderRow, current: _Round) -> _Outcome:
        now = self._clock()
        verdict = lateness(row, now, delayed_after=self._delayed_after)
        if verdict is Verdict.MISSED:
            return await self._tell_owner_missed(row, current)
        message = messages.reminder_post(row, now=now, delayed=verdict is Verdict.DELAYED)
        async with self._posts:
            current.held.discard(row.id)  # from here on the post may reach Slack: never hand it back blindly
            self._pacer.sent(key)
            try:
                ts = await self._slack.post(
                    row.team_id, row.channel_id, message, metadata=messages.reminder_metadata(row.id)
                )
            except SlackRateLimited as limited:
                self._pacer.hold(key, limited.retry_after)
                due = now + timedelta(seconds=limited.retry_after)
                current.report.released += await self._store.release([row.id], self.owner, due_at=due)
                return _Outcome.RATE_LIMITED
            except SlackUnavailable as unavailable:
                log.warning("reminder %s not posted (%s); retrying later", row.id, unavailable)
                due = now + retry_delay(row.attempts)
                current.report.released += await self._store.release([row.id], self.owner, due_at=due)
                return _Outcome.RELEASED
            except SlackRefused as refused:
                return await self._fail(row, refused.error, current)
            # Slack has the post: record it before anything else can happen.
            recorded = await self._store.mark_sent(row.id, self.owner, ts, now=now)
        if not recorded:
            current.report.lost_lease += 1
            log.warning(
                "reminder %s posted after its lease was lost; another process may post it too", row.id
            )
            return _Outcome.DONE
        if verdict is Verdict.DELAYED:
            current.report.delayed += 1
        current.report.sent += 1
        self._on_outcome("delayed" if verdict is Verdict.DELAYED else "sent")
        return _Outcome.DONE

    async def _tell_owner_missed(self, row: ReminderRow, current: _Round) -> _Outcome:
        current.held.discard(row.id)
        try:
            await self._slack.dm(row.team_id, row.user_id, messages.missed_notice(row))
        except (SlackRateLimited, SlackUnavailable) as error:
            # Not told yet: keep the row claimable so the notice is retried (it stays "missed").
            wait = (
                error.retry_after
                if isinstance(error, SlackRateLimited)
                else retry_delay(row.attempts).total_seconds()
            )
            due = self._clock() + timedelta(seconds=wait)
            current.report.released += await self._store.release([row.id], self.owner, due_at=due)
            return _Outcome.RELEASED
        except SlackRefused as refused:
            log.warning(
                "could not tell the owner of reminder %s that it was missed (%s)", row.id, refused.error
            )
        if await self._store.mark_final(row.id, self.owner, "missed", now=self._clock()):
            current.report.missed += 1
            self._on_outcome("missed")
        return _Outcome.DONE

    async def _fail(self, row: ReminderRow, slack_error: str, current: _Round) -> _Outcome:
        log.warning("Slack refused reminder %s for good (%s)", row.id, slack_error)
        if await self._store.mark_final(row.id, self.owner, "failed"):
            current.report.failed += 1
            self._on_outcome("failed")
            try:
                await self._slack.dm(row.team_id, row.user_id, messages.failed_notice(row, slack_error))
            except (SlackRateLimited, SlackUnavailable, SlackRefused) as error:
                log.warning("could not tell the owner of reminder %s that it failed (%s)", row.id, error)
        return _Outcome.DONE
