"""Token sources with no stored link: the account's Server-to-Server token, and a fixed token."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.zoom.http import NoOtherToken, utc_now
from bot.zoom.models import TokenSet
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import REFRESH_MARGIN, Clock


class AccountTokenSource:
    """One Server-to-Server token per process, renewed before expiry, fetched once under contention.

    Zoom has invalidated older S2S tokens when a new one is issued, so every caller in
    the process must share this one object (the app creates it once).
    """

    def __init__(
        self,
        oauth: ZoomOAuth,
        account_id: str,
        *,
        clock: Clock = utc_now,
        margin: timedelta = REFRESH_MARGIN,
    ) -> None:
        self._oauth = oauth
        self.account_id = account_id
        self._clock = clock
        self._margin = margin
        self._current: TokenSet | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self.fetches = 0

    def _get_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    def _usable(self, stale: str | None = None) -> TokenSet | None:
        current = self._current
        if current is None or current.access_token == stale:
            return None
        return current if current.expires_at - self._margin > self._clock() else None

    async def access_token(self) -> str:
        return await self._get(stale=None)

    async def invalidate(self, stale_access_token: str) -> str:
        return await self._get(stale=stale_access_token)

    def rate_account(self) -> str | None:
        return self.account_id

    def host_user(self) -> str | None:
        return None  # an account token is nobody's: its calls name the user (never `me`)

    async def _get(self, *, stale: str | None) -> str:
        usable = self._usable(stale)
        if usable is not None:
            return usable.access_token
        async with self._get_lock():
            usable = self._usable(stale)  # fetched by whoever held the lock before us
            if usable is not None:
                return usable.access_token
            self._current = await self._oauth.account_token(self.account_id)
            self.fetches += 1
            return self._current.access_token


class StaticTokenSource:
    """A token known up front (a just-exchanged code); a refusal cannot be repaired."""

    def __init__(self, access_token: str) -> None:
        self._token = access_token

    async def access_token(self) -> str:
        return self._token

    async def invalidate(self, stale_access_token: str) -> str:
        raise NoOtherToken()

    def rate_account(self) -> str | None:
        return None  # one call right after the code exchange

    def host_user(self) -> str | None:
        return None  # reads the user it was given for; it creates and changes nothing
