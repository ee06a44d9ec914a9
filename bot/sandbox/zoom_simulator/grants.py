"""The simulator's OAuth grants: issuing, finding and ending tokens, and what tests inspect."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from bot.sandbox.zoom_simulator import webhooks
from bot.sandbox.zoom_simulator.model import (
    SimAccount,
    SimMeeting,
    SimUser,
    TokenGrant,
)
from bot.sandbox.zoom_simulator.state import SimState

ACCESS_TOKEN_LIFETIME = timedelta(seconds=3599)
REFRESH_TOKEN_LIFETIME = timedelta(days=90)  # Zoom's documented figure varies; finite is what matters


class SimGrants(SimState):
    def account_for_s2s_client(self, client_id: str) -> SimAccount | None:
        return next(
            (a for a in self.accounts.values() if a.s2s_client_id and a.s2s_client_id == client_id), None
        )

    def grant_by_access_token(self, token: str) -> TokenGrant | None:
        return self._by_access.get(token)

    def grant_by_refresh_token(self, token: str) -> TokenGrant | None:
        return self._by_refresh.get(token)

    def issue_grant(
        self,
        *,
        grant_type: str,
        client_id: str,
        account_id: str,
        user: SimUser | None,
        scopes: frozenset[str],
    ) -> TokenGrant:
        now = self.clock.now()
        with_refresh = user is not None
        grant = TokenGrant(
            grant_type=grant_type,
            client_id=client_id,
            account_id=account_id,
            user_id=user.id if user else None,
            user_email=user.email if user else None,
            scopes=scopes,
            access_token="simat_" + secrets.token_urlsafe(32),
            access_expires_at=now + ACCESS_TOKEN_LIFETIME,
            refresh_token="simrt_" + secrets.token_urlsafe(32) if with_refresh else None,
            refresh_expires_at=now + REFRESH_TOKEN_LIFETIME if with_refresh else None,
            issued_at=now,
        )
        with self.lock:
            self.grants.append(grant)
            self._by_access[grant.access_token] = grant
            if grant.refresh_token:
                self._by_refresh[grant.refresh_token] = grant
        return grant

    def end_user_grants(self, user_id: str, client_id: str | None = None, *, reason: str) -> int:
        ended = 0
        with self.lock:
            for grant in self.grants:
                if grant.user_id == user_id and grant.ended is None and client_id in (None, grant.client_id):
                    grant.ended = reason
                    ended += 1
        return ended

    def new_start_url(self, meeting: SimMeeting) -> str:
        # A fresh host credential each time, like Zoom; recorded so tests can look for leaks.
        zak = "simzak_" + secrets.token_urlsafe(32)
        with self.lock:
            self._zaks.append(zak)
        return f"{meeting.origin}/s/{meeting.id}?zak={zak}"

    # -- inspection ----------------------------------------------------------------------

    @property
    def stats(self) -> dict[str, int]:
        with self.lock:
            return dict(self._stats)

    @property
    def tokens_issued(self) -> list[TokenGrant]:
        with self.lock:
            return list(self.grants)

    def meetings_of(self, email: str, *, include_deleted: bool = False) -> list[SimMeeting]:
        with self.lock:
            host = self.user(email)
            return sorted(
                (
                    m
                    for m in self.meetings.values()
                    if m.host_id == host.id and (include_deleted or not m.deleted)
                ),
                key=lambda m: (m.start_time, m.id),
            )

    def issued_secrets(self) -> list[str]:
        """Every secret the simulator handed out or holds: tokens, start-url ZAKs, client secrets.

        Tests grep logs, replies and database files for these.
        """
        with self.lock:
            found = [g.access_token for g in self.grants]
            found += [g.refresh_token for g in self.grants if g.refresh_token]
            found += self._zaks
            found += [a.client_secret for a in self.apps.values()]
            found += [a.s2s_client_secret for a in self.accounts.values() if a.s2s_client_secret]
            return found

    def expire_access_tokens(self, email: str | None = None) -> int:
        """Make current access tokens (of one user, or all) expired now; returns how many."""
        now = self.clock.now()
        count = 0
        with self.lock:
            user_id = self.user(email).id if email else None
            for grant in self.grants:
                if grant.ended is None and grant.access_expires_at > now and user_id in (None, grant.user_id):
                    grant.access_expires_at = now
                    count += 1
        return count

    def deauthorize(self, email: str, client_id: str) -> dict[str, Any]:
        """The user uninstalls the app: their grants end; returns the ``app_deauthorized`` body."""
        user = self.user(email)
        self.end_user_grants(user.id, client_id, reason="revoked")
        return webhooks.app_deauthorized(user, client_id, self.clock.now())
