"""Access tokens for Zoom calls, refreshed safely across coroutines and processes.

Zoom rotates refresh tokens: each refresh returns a new one and kills the old one (and
the old access token). Two refreshes racing with the same refresh token means one of
them gets ``invalid_grant``, and a refresh whose answer is lost strands the link. So
for one link there must be exactly one refresh at a time, in the whole deployment.

The algorithm (``UserTokenSource``)
-----------------------------------

``access_token()`` reads the link row; if the access token is valid for more than
``REFRESH_MARGIN`` (5 min) it is used as is, and remembered for the next calls
(``bot/store/fresh_tokens.py``) — unless the link was written while it was being read:
the cache generation is taken before the read and the put is refused if an unlink, a
deauthorization or a refresh committed in between; then the row is read again (and a
deleted link raises ``NotLinkedError``). A refresh whose answer arrives after the link was
deleted raises ``NotLinkedError`` too. So once a deletion has committed, this process never
uses that link's tokens again, whatever Zoom would still accept. Otherwise:

1. **In process**: take the ``asyncio.Lock`` for this link (one per link key per event
   loop) and look again (double-checked: the coroutine that held the lock before us has
   probably refreshed already, and its save left the new token in the process's cache,
   ``FreshTokens.settle``); if not there, read the row again.
2. **Across processes**: take the row's refresh *lease* with a conditional UPDATE
   (``try_acquire_refresh_lease``: free or expired → ours for ``LEASE_TTL_SECONDS``).
   This is portable compare-and-set, not ``SELECT ... FOR UPDATE``, which SQLite ignores.
   The lease is short (2 s) and its holder renews it while it works (a heartbeat every
   ``LEASE_RENEW_SECONDS``), so a lease whose process died — SIGKILL, a lost machine — is
   taken over within ~2 s, while a live holder keeps it however slow Zoom is.

   - The winner **re-reads** the row. If another process refreshed meanwhile (version
     moved, token fresh) it uses that. Otherwise it calls Zoom and hands the answer
     straight to ``save_rotation`` — one UPDATE, nothing read or awaited between Zoom's
     answer and the write (the crash window) — then releases the lease.
   - Losers poll the row with jittered backoff until its version changes (someone
     refreshed: use it) or the lease lapses (then they take it themselves). A loser that
     has waited ``WAIT_FOR_OTHERS_SECONDS`` (less than the API deadline) raises
     ``RefreshInProgress``: the person is told someone else's refresh is under way, not
     that Zoom failed to answer.

3. Failures:

   - The database fails to take the rotated pair: ``save_rotation`` keeps it sealed in
     memory (``PENDING``), this process serves its access token meanwhile, and a task
     writes it with backoff (``_save_until_done``) until the database answers. The lease
     is not released then: the eventual write releases it.
   - ``invalid_grant``: re-read. If the version or refresh token changed, a sibling
     refreshed: adopt its token. Only if nothing changed is the link really dead:
     ``mark_needs_reauth(expected_version=...)`` — a compare-and-set, so a stale failure
     can never clobber a newer token — and raise AUTH.
   - The refresh request was sent but its answer lost (read timeout, dropped
     connection): Zoom may or may not have rotated. Ask once more with the *stored*
     refresh token: ``invalid_grant`` then means Zoom did rotate (the link is marked
     ``needs_reauth`` and AUTH raised: the user relinks), success means it did not (the
     new pair is saved as usual). If that answer is lost too, UNAVAILABLE is raised and
     the link is kept: the next refresh decides.
   - Zoom unreachable before anything was sent, or a 5xx: nothing rotated; UNAVAILABLE
     is raised and the stored tokens stay as they were.

``invalidate(stale)`` follows a 401/124 from the API. If this process's own refresh already
replaced the refused token, it takes the successor from the cache: the calls sent together
with one token come back refused together, and one refreshes while the rest read nothing.
Otherwise, under the lock, it **re-reads the row first** (a sibling's refresh kills our old
access token, and the row already has the new one), and only refreshes if the row still
holds the refused token — at most once.

``AccountTokenSource`` (``account_tokens.py``) caches one Server-to-Server token per process and renews it
``REFRESH_MARGIN`` before expiry, with a single fetch under contention.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.store.links import LinkRecord, LinkStore, SaveOutcome
from bot.zoom.errors import NotLinkedError, Outcome, RefreshInProgress, ZoomError, ZoomErrorKind
from bot.zoom.http import utc_now
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.pending_tokens import keep_saving
from bot.zoom.refresh_lease import HeldLease
from bot.zoom.refresh_locks import PROCESS_LOCKS, PROCESS_OWNER, RefreshLocks

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
_READS_BEFORE_LOCKING = 3  # fresh-row reads that a concurrent write may void before we lock
# A lease not renewed for this long belongs to a dead process and may be taken over.
LEASE_TTL_SECONDS = 2.0
LEASE_RENEW_SECONDS = 0.5  # the holder's heartbeat (at most a third of the TTL)
# How long a command waits for another process's refresh: below ZoomHttp's API deadline
# (15 s in the bot), so the person hears why rather than a generic timeout.
WAIT_FOR_OTHERS_SECONDS = 10.0
NEEDS_REAUTH = "needs_reauth"

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
_JITTER = random.Random()


def _auth_error(message: str, *, code: str | None = None, outcome: Outcome = Outcome.UNCHANGED) -> ZoomError:
    return ZoomError(
        kind=ZoomErrorKind.AUTH,
        operation="refresh the Zoom authorization",
        code=code,
        message=message,
        outcome=outcome,
    )


class UserTokenSource:
    """Tokens of one Slack user's Zoom link (team_id, user_id). See the module docstring."""

    def __init__(
        self,
        links: LinkStore,
        oauth: ZoomOAuth,
        team_id: str,
        user_id: str,
        *,
        owner: str = PROCESS_OWNER,
        clock: Clock = utc_now,
        lease_clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        lease_ttl: float = LEASE_TTL_SECONDS,
        renew_every: float | None = LEASE_RENEW_SECONDS,
        wait_limit: float = WAIT_FOR_OTHERS_SECONDS,
        margin: timedelta = REFRESH_MARGIN,
        rng: random.Random | None = None,
        locks: RefreshLocks = PROCESS_LOCKS,
        observe_refresh: Callable[[str], None] | None = None,
    ) -> None:
        self._links = links
        self._locks = locks
        self._oauth = oauth
        self.team_id = team_id
        self.user_id = user_id
        self._owner = owner
        self._clock = clock  # Zoom's time: token expiry
        # Leases are timed by the wall clock of the processes that share them, whatever
        # clock the tokens run on (the sandbox and tests move Zoom's by hand).
        self._lease_clock = lease_clock
        self._sleep = sleep
        self._lease_ttl = lease_ttl
        self._renew_every = None if renew_every is None else min(renew_every, lease_ttl / 3)
        self._wait_limit = wait_limit
        self._margin = margin
        # The outcome of every refresh sent to Zoom: "ok", "refused", "lost" or "unavailable".
        self._observe_refresh = observe_refresh or (lambda outcome: None)
        self._rng = rng or _JITTER  # one per process: seeding a new one costs more than the command
        self._zoom_account: str | None = None  # learnt from the row, for rate pacing
        self._zoom_user: str | None = None  # learnt from the row: whose daily create/update cap `me` spends
        # Links whose refresh Zoom has answered: the save that follows releases the lease, so a
        # heartbeat that finds the lease gone after that has nothing to warn about.
        self._saving: set[int] = set()

    # -- public ------------------------------------------------------------------------------

    async def access_token(self) -> str:
        valid_after = self._clock() + self._margin
        if self._links.cached_token_ran_out(self.team_id, self.user_id, valid_after=valid_after):
            # The row holds the same token unless another process refreshed: settle it under the
            # lock, where the first caller refreshes and the others take its token (the first
            # command of the day of each person, all at 9:00).
            return await self._refresh_locked(stale=None)
        cached = self._links.cached_access_token(self.team_id, self.user_id, valid_after=valid_after)
        if cached is not None:
            return cached
        for _ in range(_READS_BEFORE_LOCKING):
            # Taken before the read: if the link is written (unlinked, deauthorized,
            # refreshed) while we read it, the row we hold may be gone and is not cached.
            generation = self._links.cache_generation(self.team_id, self.user_id)
            row = await self._load()
            if not self._fresh(row):
                break
            if self._links.remember_fresh(row, generation=generation):
                return row.access_token
        # Stale, or written under us more than once: settle it under the lock.
        return await self._refresh_locked(stale=None)

    def rate_account(self) -> str | None:
        return self._zoom_account or self._links.cached_zoom_account(self.team_id, self.user_id)

    def host_user(self) -> str | None:
        return self._zoom_user or self._links.cached_zoom_user(self.team_id, self.user_id)

    async def invalidate(self, stale_access_token: str) -> str:
        # Calls that went out together with one token come back refused together: the first
        # refreshes, the others take what it saved (fresh_tokens.py) without a read.
        successor = self._successor(stale_access_token)
        if successor is not None:
            return successor
        # The remembered token may be what Zoom refused (another process refreshed, or the
        # link was revoked): from here on only the row counts. Under the lock, the row is read
        # before anything is refreshed: a sibling process may have refreshed already.
        self._links.forget_refused(self.team_id, self.user_id, stale_access_token)
        return await self._refresh_locked(stale=stale_access_token)

    def _successor(self, refused: str) -> str | None:
        valid_after = self._clock() + self._margin
        return self._links.cached_successor(self.team_id, self.user_id, refused, valid_after=valid_after)

    # -- steps ---------------------------------------------------------------------------------

    async def _load(self) -> LinkRecord:
        row = await self._links.get(self.team_id, self.user_id)
        if row is None:
            raise NotLinkedError(self.team_id, self.user_id)
        self._check_usable(row)
        self._zoom_account = row.zoom_account_id or None
        self._zoom_user = row.zoom_email or row.zoom_user_id or None
        return row

    def _check_usable(self, row: LinkRecord) -> None:
        if row.status == NEEDS_REAUTH:
            raise _auth_error("the Zoom link needs to be authorized again", code="needs_reauth")

    def _fresh(self, row: LinkRecord, stale: str | None = None) -> bool:
        if stale is not None and row.access_token == stale:
            return False
        return row.access_expires_at - self._margin > self._clock()

    async def _refresh_locked(self, *, stale: str | None) -> str:
        async with self._locks.lock((self.team_id, self.user_id)):
            ahead = self._remembered_ahead(stale)
            if ahead is not None:
                return ahead
            generation = self._links.cache_generation(self.team_id, self.user_id)
            row = await self._load()
            if self._fresh(row, stale):
                # Another process refreshed: the callers queued behind us take it from memory.
                self._links.remember_fresh(row, generation=generation)
                return row.access_token
            return await self._refresh_across_processes(row, stale)

    def _remembered_ahead(self, stale: str | None) -> str | None:
        """Under the lock: the token whoever held it before us saved (fresh_tokens.py), if any.

        A remembered token that ran out stays remembered until its refresh is saved: it is
        what sends the callers behind us to the lock rather than to the row."""
        if stale is not None:
            return self._successor(stale)
        valid_after = self._clock() + self._margin
        if self._links.cached_token_ran_out(self.team_id, self.user_id, valid_after=valid_after):
            return None
        return self._links.cached_access_token(self.team_id, self.user_id, valid_after=valid_after)

    async def _refresh_across_processes(self, seen: LinkRecord, stale: str | None) -> str:
        started = time.monotonic()
        delay = 0.02
        while True:
            if await self._links.try_acquire_refresh_lease(
                seen.id, self._owner, self._lease_ttl, self._lease_clock()
            ):
                # Shielded: a caller's deadline must not cut the refresh between Zoom
                # rotating the token and our commit (that would lose the only valid one).
                work = asyncio.ensure_future(self._refresh_holding_lease(seen, stale))
                work.add_done_callback(_retrieve_exception)
                return await asyncio.shield(work)
            # Someone else is refreshing: wait for their result.
            pause = delay * (0.5 + self._rng.random())
            await self._sleep(pause)
            delay = min(delay * 1.5, 0.5)
            row = await self._row(seen.id)
            moved = row.version != seen.version or row.access_token != seen.access_token
            if moved and self._fresh(row, stale):
                return row.access_token
            if time.monotonic() - started > self._wait_limit:
                raise RefreshInProgress(
                    kind=ZoomErrorKind.UNAVAILABLE,
                    operation="refresh the Zoom authorization",
                    message="another zoombot process is refreshing this Zoom link and has not finished",
                )

    async def _row(self, link_id: int) -> LinkRecord:
        row = await self._links.get_by_id(link_id)
        if row is None:
            raise NotLinkedError(self.team_id, self.user_id)
        self._check_usable(row)
        return row

    async def _refresh_holding_lease(self, seen: LinkRecord, stale: str | None) -> str:
        lease = HeldLease(self._links, seen.id, self._owner, self._lease_ttl, self._lease_clock)
        done = asyncio.Event()
        heartbeat = (
            asyncio.ensure_future(lease.renew_until(done, self._renew_every, self._saving))
            if self._renew_every
            else None
        )
        try:
            row = await self._row(seen.id)
            if row.version != seen.version and self._fresh(row, stale):
                return row.access_token  # another process refreshed while we waited
            return await self._call_zoom_and_save(row, adopt_retry=True, lost_before=False)
        finally:
            done.set()
            if heartbeat is not None:
                await heartbeat  # let a renewal under way finish, rather than cut a statement short
            self._saving.discard(seen.id)
            if not self._links.has_pending_rotation(seen.id):
                await lease.release()
            # else the lease stays ours until the pending pair is written (the write releases it)

    async def _call_zoom_and_save(self, row: LinkRecord, *, adopt_retry: bool, lost_before: bool) -> str:
        try:
            tokens = await self._oauth.refresh(row.refresh_token)
        except ZoomError as error:
            self._observe_refresh(_refresh_outcome(error))
            return await self._after_failed_refresh(
                row, error, adopt_retry=adopt_retry, lost_before=lost_before
            )
        # Written at once, before anything else: Zoom has already killed the old refresh token.
        self._saving.add(row.id)
        saved = await self._links.save_rotation(
            row,
            lease_owner=self._owner,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token or row.refresh_token,
            access_expires_at=tokens.expires_at,
            scopes=tokens.scopes or None,
        )
        self._observe_refresh("ok")
        if saved is SaveOutcome.PENDING:
            log.warning(
                "zoom link %s: refreshed, but the database refused the new tokens; kept in memory, retrying",
                row.id,
            )
            keep_saving(self._links, row.id)
        elif saved is SaveOutcome.MOVED_ON:
            if await self._links.get_by_id(row.id) is None:
                # Unlinked or deauthorized while Zoom answered: the link is gone, and so
                # is the right to use it, whatever Zoom still accepts.
                raise NotLinkedError(self.team_id, self.user_id)
            # Only possible if our lease lapsed mid-call and the row changed; our token is
            # still the one Zoom issued last, so it works for this call.
            log.warning("zoom link %s: refreshed, but the row changed underneath; not saved", row.id)
        return tokens.access_token

    async def _after_failed_refresh(
        self, row: LinkRecord, error: ZoomError, *, adopt_retry: bool, lost_before: bool
    ) -> str:
        if error.kind == ZoomErrorKind.AUTH:
            latest = await self._links.get_by_id(row.id)
            if latest is None:
                raise NotLinkedError(self.team_id, self.user_id) from None
            self._check_usable(latest)
            changed = latest.version != row.version or latest.refresh_token != row.refresh_token
            if changed:
                # A sibling refreshed with the token we held: theirs is the live one.
                if self._fresh(latest):
                    return latest.access_token
                if adopt_retry:
                    return await self._call_zoom_and_save(latest, adopt_retry=False, lost_before=False)
            if await self._links.mark_needs_reauth(row.id, expected_version=row.version):
                log.info("zoom link %s: refresh refused (%s); marked needs_reauth", row.id, error.code)
            if lost_before:
                # The stored token is refused: the answer we lost did rotate it.
                raise _auth_error(
                    "the answer to a token refresh was lost; the link must be authorized again",
                    code="refresh_lost",
                    outcome=Outcome.UNKNOWN,
                ) from None
            raise _auth_error(
                error.message or "Zoom refused the refresh token", code=_str_code(error)
            ) from None
        if error.outcome == Outcome.UNKNOWN and error.status is None:
            if not lost_before:
                # The request went out and the answer was lost: Zoom may have rotated or not.
                # Only Zoom knows, so ask again with the stored token: invalid_grant says it
                # did, success says it did not. (A 5xx *is* an answer: nothing rotated.)
                log.warning("zoom link %s: refresh answer lost; asking again with the stored token", row.id)
                return await self._call_zoom_and_save(row, adopt_retry=False, lost_before=True)
            log.warning("zoom link %s: refresh answer lost twice; the link is kept as it is", row.id)
        raise error


def _refresh_outcome(error: ZoomError) -> str:
    if error.kind == ZoomErrorKind.AUTH:
        return "refused"
    if error.outcome == Outcome.UNKNOWN and error.status is None:
        return "lost"
    return "unavailable"


def _retrieve_exception(task: asyncio.Future[str]) -> None:
    # If the caller was cancelled, nobody awaits the shielded refresh: mark its
    # exception as seen (callers still waiting get it through the shield).
    if not task.cancelled():
        task.exception()


def _str_code(error: ZoomError) -> str | None:
    return None if error.code is None else str(error.code)
