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
   loop) and read the row again (double-checked: the coroutine that held the lock
   before us has probably refreshed already).
2. **Across processes**: take the row's refresh *lease* with a conditional UPDATE
   (``try_acquire_refresh_lease``: free or expired → ours for ``LEASE_TTL`` seconds).
   This is portable compare-and-set, not ``SELECT ... FOR UPDATE``, which SQLite ignores.

   - The winner **re-reads** the row. If another process refreshed meanwhile (version
     moved, token fresh) it uses that. Otherwise it calls Zoom and immediately commits
     the result with ``save_refreshed(expected_version=...)`` — no other I/O between
     Zoom's answer and the commit — then releases the lease.
   - Losers poll the row with jittered backoff until its version changes (someone
     refreshed: use it) or the lease expires (then they take it themselves).

3. Failures:

   - ``invalid_grant``: re-read. If the version or refresh token changed, a sibling
     refreshed: adopt its token. Only if nothing changed is the link really dead:
     ``mark_needs_reauth(expected_version=...)`` — a compare-and-set, so a stale failure
     can never clobber a newer token — and raise AUTH.
   - The refresh request was sent but its answer lost (read timeout, dropped
     connection): Zoom has probably rotated already and the old refresh token cannot
     work again, so there is no retry loop. The link is marked ``needs_reauth`` and
     AUTH is raised; the user relinks (the AUTH hint says so).
   - Zoom unreachable before anything was sent, or a 5xx: nothing rotated; UNAVAILABLE
     is raised and the stored tokens stay as they were.

``invalidate(stale)`` follows a 401/124 from the API. It **re-reads the row first** (a
sibling's refresh kills our old access token, and the row already has the new one),
and only refreshes if the row still holds the refused token — at most once.

``AccountTokenSource`` (``account_tokens.py``) caches one Server-to-Server token per process and renews it
``REFRESH_MARGIN`` before expiry, with a single fetch under contention.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.store.links import LinkRecord, LinkStore
from bot.zoom.errors import NotLinkedError, Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import utc_now
from bot.zoom.oauth import ZoomOAuth

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
_READS_BEFORE_LOCKING = 3  # fresh-row reads that a concurrent write may void before we lock
LEASE_TTL_SECONDS = 30.0
NEEDS_REAUTH = "needs_reauth"

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def process_owner_id() -> str:
    """Who holds a lease: unique per process (and per start of it)."""
    return f"pid{os.getpid()}-{secrets.token_hex(4)}"


_PROCESS_OWNER = process_owner_id()
_JITTER = random.Random()


class RefreshLocks:
    """One asyncio.Lock per link key, per event loop (locks cannot cross loops).

    One registry per process (the default); tests give two sources separate registries
    to model two processes inside one.
    """

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[tuple[str, str], asyncio.Lock]
        ]
        self._by_loop = weakref.WeakKeyDictionary()

    def lock(self, key: tuple[str, str]) -> asyncio.Lock:
        locks = self._by_loop.setdefault(asyncio.get_running_loop(), {})
        if key not in locks:
            locks[key] = asyncio.Lock()
        return locks[key]


PROCESS_LOCKS = RefreshLocks()


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
        owner: str = _PROCESS_OWNER,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        lease_ttl: float = LEASE_TTL_SECONDS,
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
        self._clock = clock
        self._sleep = sleep
        self._lease_ttl = lease_ttl
        self._margin = margin
        # The outcome of every refresh sent to Zoom: "ok", "refused", "lost" or "unavailable".
        self._observe_refresh = observe_refresh or (lambda outcome: None)
        self._rng = rng or _JITTER  # one per process: seeding a new one costs more than the command

    # -- public ------------------------------------------------------------------------------

    async def access_token(self) -> str:
        cached = self._links.cached_access_token(
            self.team_id, self.user_id, valid_after=self._clock() + self._margin
        )
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

    async def invalidate(self, stale_access_token: str) -> str:
        # The remembered token may be what Zoom refused (another process refreshed, or the
        # link was revoked): from here on only the row counts.
        self._links.forget_cached(self.team_id, self.user_id)
        row = await self._load()
        if row.access_token != stale_access_token and self._fresh(row):
            return row.access_token  # a sibling already refreshed
        return await self._refresh_locked(stale=stale_access_token)

    # -- steps ---------------------------------------------------------------------------------

    async def _load(self) -> LinkRecord:
        row = await self._links.get(self.team_id, self.user_id)
        if row is None:
            raise NotLinkedError(self.team_id, self.user_id)
        self._check_usable(row)
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
            row = await self._load()
            if self._fresh(row, stale):
                return row.access_token
            return await self._refresh_across_processes(row, stale)

    async def _refresh_across_processes(self, seen: LinkRecord, stale: str | None) -> str:
        waited = 0.0
        delay = 0.02
        # Long enough for a lease to expire and be taken over, plus a refresh.
        give_up_after = self._lease_ttl * 2 + 5
        while True:
            if await self._links.try_acquire_refresh_lease(
                seen.id, self._owner, self._lease_ttl, self._clock()
            ):
                # Shielded: a caller's deadline must not cut the refresh between Zoom
                # rotating the token and our commit (that would lose the only valid one).
                work = asyncio.ensure_future(self._refresh_holding_lease(seen, stale))
                work.add_done_callback(_retrieve_exception)
                return await asyncio.shield(work)
            # Someone else is refreshing: wait for their result.
            pause = delay * (0.5 + self._rng.random())
            await self._sleep(pause)
            waited += pause
            delay = min(delay * 1.5, 0.5)
            row = await self._row(seen.id)
            if row.version != seen.version and self._fresh(row, stale):
                return row.access_token
            if waited > give_up_after:
                raise ZoomError(
                    kind=ZoomErrorKind.UNAVAILABLE,
                    operation="refresh the Zoom authorization",
                    message="another process held the refresh lease for too long",
                )

    async def _row(self, link_id: int) -> LinkRecord:
        row = await self._links.get_by_id(link_id)
        if row is None:
            raise NotLinkedError(self.team_id, self.user_id)
        self._check_usable(row)
        return row

    async def _refresh_holding_lease(self, seen: LinkRecord, stale: str | None) -> str:
        try:
            row = await self._row(seen.id)
            if row.version != seen.version and self._fresh(row, stale):
                return row.access_token  # another process refreshed while we waited
            return await self._call_zoom_and_save(row, adopt_retry=True)
        finally:
            # Harmless if save_refreshed already cleared it.
            await self._links.release_lease(seen.id, self._owner)

    async def _call_zoom_and_save(self, row: LinkRecord, *, adopt_retry: bool) -> str:
        try:
            tokens = await self._oauth.refresh(row.refresh_token)
        except ZoomError as error:
            self._observe_refresh(_refresh_outcome(error))
            return await self._after_failed_refresh(row, error, adopt_retry=adopt_retry)
        self._observe_refresh("ok")
        # Commit at once: Zoom has already killed the old refresh token.
        saved = await self._links.save_refreshed(
            row.id,
            expected_version=row.version,
            lease_owner=self._owner,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token or row.refresh_token,
            access_expires_at=tokens.expires_at,
            scopes=tokens.scopes or None,
        )
        if not saved:
            if await self._links.get_by_id(row.id) is None:
                # Unlinked or deauthorized while Zoom answered: the link is gone, and so
                # is the right to use it, whatever Zoom still accepts.
                raise NotLinkedError(self.team_id, self.user_id)
            # Only possible if our lease expired mid-call and the row changed; our token is
            # still the one Zoom issued last, so it works for this call.
            log.warning("zoom link %s: refreshed, but the row changed underneath; not saved", row.id)
        return tokens.access_token

    async def _after_failed_refresh(self, row: LinkRecord, error: ZoomError, *, adopt_retry: bool) -> str:
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
                    return await self._call_zoom_and_save(latest, adopt_retry=False)
            if await self._links.mark_needs_reauth(row.id, expected_version=row.version):
                log.info("zoom link %s: refresh refused (%s); marked needs_reauth", row.id, error.code)
            raise _auth_error(
                error.message or "Zoom refused the refresh token", code=_str_code(error)
            ) from None
        if error.outcome == Outcome.UNKNOWN and error.status is None:
            # The request went out and the answer was lost: Zoom has most likely rotated,
            # and the refresh token we hold is dead. Retrying cannot work. (A 5xx *is* an
            # answer: we keep the link; if Zoom did rotate, the next refresh's
            # invalid_grant marks it then, so nothing is lost by waiting.)
            await self._links.mark_needs_reauth(row.id, expected_version=row.version)
            log.warning("zoom link %s: refresh answer lost; marked needs_reauth", row.id)
            raise _auth_error(
                "the answer to a token refresh was lost; the link must be authorized again",
                code="refresh_lost",
                outcome=Outcome.UNKNOWN,
            ) from None
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
