"""Keep each meeting's Join card in step with the meeting, within Slack's rate limits.

Slack's ``chat.update`` is Tier 3 (about 50 a minute per workspace) and Slack asks for at
most one update a second per message, while a big meeting sends a webhook per join. So
updates are coalesced per post: at most one ``chat.update`` every ``min_interval`` seconds,
and always one more after the last change, drawn from the newest state in the database.

Across processes: the webhook's change bumps ``meeting_live.version`` first, then whoever
wins the post's update lease (``MeetingPostStore.claim_update``) updates it until the post
shows the newest version, releases the lease, and looks once more. A change that lost the
race for the lease is therefore always picked up: either its process claims the freed lease,
or the holder sees the newer version after releasing. A process that dies holding a lease
leaves it to expire; :meth:`LiveCards.catch_up` (at start-up and on the worker's housekeeping
tick) updates every post still behind.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.slack.outbox import SlackOut, SlackRateLimited, SlackRefused, SlackUnavailable
from bot.slack.views.live_meeting import CardState, live_card
from bot.store.meeting_live import LiveMeetingStore, LiveState
from bot.store.meeting_posts import MeetingPostStore, PostedMessage

log = logging.getLogger(__name__)

DEFAULT_MIN_INTERVAL_S = 3.0  # per post; Slack asks for ≤ 1 per second, Tier 3 is ~50/min per workspace
LEASE_S = 60.0
UNAVAILABLE_RETRIES = 3
UNAVAILABLE_BACKOFF_S = 2.0
MAX_RATE_LIMIT_WAIT_S = 50.0
DB_RETRIES = 5
DB_BACKOFF_S = 0.2  # longer than that and the housekeeping tick takes over


class LiveCards:
    def __init__(
        self,
        posts: MeetingPostStore,
        live: LiveMeetingStore,
        slack: SlackOut,
        *,
        owner: str,
        min_interval: float = DEFAULT_MIN_INTERVAL_S,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._posts = posts
        self._live = live
        self._slack = slack
        self._owner = owner
        self._interval = min_interval
        # Rate limits are about real time, so this is the wall clock, never a business clock.
        self._wall = wall_clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._flushing: set[int] = set()  # posts this process is updating right now
        self._again: set[int] = set()  # ... and that changed again meanwhile

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._wall(), UTC)

    # -- entry points ------------------------------------------------------------------

    def changed(self, meeting_id: int) -> None:
        """The meeting's live state changed: bring its cards up to date in the background."""
        self._spawn(self._update_meeting(meeting_id), f"live-card:{meeting_id}")

    async def catch_up(self) -> int:
        """Update every post still behind its meeting (after a restart or a crashed sibling)."""
        behind = await self._posts.behind()
        for post in behind:
            self._spawn(self._update_post(post.id), f"live-card-post:{post.id}")
        return len(behind)

    async def drain(self) -> None:
        """Wait until every update under way here is done (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self, grace: float = 5.0) -> None:
        try:
            async with asyncio.timeout(grace):
                await self.drain()
        except TimeoutError:
            # Leases expire on their own; the next start's catch_up finishes the job.
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the update loop ---------------------------------------------------------------

    async def _update_meeting(self, meeting_id: int) -> None:
        for post in await self._posts.behind(meeting_ids=[meeting_id]):
            await self._update_post(post.id)

    async def _update_post(self, post_id: int) -> None:
        if post_id in self._flushing:
            self._again.add(post_id)  # the loop below looks again before it stops
            return
        self._flushing.add(post_id)
        failures = 0
        try:
            while True:
                try:
                    await self._update_once(post_id)
                except Exception:  # the database busy with a burst of webhooks, most likely
                    failures += 1
                    if failures > DB_RETRIES:
                        log.exception("a meeting card could not be updated; the housekeeping tick retries")
                        return
                    await asyncio.sleep(DB_BACKOFF_S * failures)
                    continue
                if post_id not in self._again:  # no await between this check and the discard below
                    return
        finally:
            self._flushing.discard(post_id)

    async def _update_once(self, post_id: int) -> None:
        self._again.discard(post_id)
        while await self._claim(post_id):
            try:
                await self._until_current(post_id)
            finally:
                await self._posts.release(post_id, self._owner)
            # A change made while we held the lease may have failed to claim it: look again.
            if not await self._is_behind(post_id):
                return

    async def _claim(self, post_id: int) -> bool:
        now = self._now()
        return await self._posts.claim_update(
            post_id, self._owner, now=now, until=now + timedelta(seconds=LEASE_S)
        )

    async def _is_behind(self, post_id: int) -> bool:
        post = await self._posts.get(post_id)
        if post is None:
            return False
        state = await self._live.get(post.meeting_id)
        return state is not None and state.version > post.shown_version

    async def _until_current(self, post_id: int) -> None:
        failures = 0
        while True:
            post = await self._posts.get(post_id)
            if post is None:
                return
            state = await self._live.get(post.meeting_id)
            if state is None or state.version <= post.shown_version:
                return
            wait = (post.next_update_at - self._now()).total_seconds() if post.next_update_at else 0.0
            if wait > 0:
                await self._extend_lease(post_id, wait)
                await asyncio.sleep(wait)
                continue  # read the newest state after waiting: that is the coalescing
            try:
                await self._slack.update(
                    post.team_id, post.channel_id, post.ts, live_card(card_state(post, state))
                )
            except SlackRateLimited as limited:
                retry = min(max(limited.retry_after, self._interval), MAX_RATE_LIMIT_WAIT_S)
                log.info("Slack rate-limited a card update; retrying in %.0f s", retry)
                await self._defer(post_id, retry)
                continue
            except SlackRefused as refused:
                # The message is gone, the channel archived…: nothing will change that.
                log.warning("a meeting card cannot be updated (%s); giving up on it", refused.error)
                await self._shown(post_id, state.version)
                return
            except SlackUnavailable:
                failures += 1
                if failures > UNAVAILABLE_RETRIES:
                    log.warning("Slack unavailable; a meeting card stays behind until the next tick")
                    return
                await self._defer(post_id, UNAVAILABLE_BACKOFF_S * failures)
                continue
            await self._shown(post_id, state.version)

    async def _shown(self, post_id: int, version: int) -> None:
        await self._posts.shown(
            post_id,
            self._owner,
            version=version,
            next_update_at=self._now() + timedelta(seconds=self._interval),
        )

    async def _defer(self, post_id: int, seconds: float) -> None:
        now = self._now()
        await self._posts.defer(
            post_id,
            self._owner,
            next_update_at=now + timedelta(seconds=seconds),
            until=now + timedelta(seconds=seconds + LEASE_S),
        )

    async def _extend_lease(self, post_id: int, wait: float) -> None:
        now = self._now()
        await self._posts.claim_update(
            post_id, self._owner, now=now, until=now + timedelta(seconds=wait + LEASE_S)
        )


def card_state(post: PostedMessage, state: LiveState) -> CardState:
    return CardState(
        meeting_id=post.meeting_id,
        topic=post.topic or state.topic or "Zoom meeting",
        join_url=post.join_url,
        status=state.status,
        participants=state.participants,
        started_at=state.started_at,
        ended_at=state.ended_at,
        call_id=post.call_id,
    )
