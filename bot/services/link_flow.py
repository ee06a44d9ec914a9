"""Linking a Slack user's Zoom account: the flow over Zoom's OAuth and our stores.

``LinkFlow.begin`` issues a single-use ``state`` bound to the Slack team+user and keeps the
PKCE verifier with it; on the callback ``complete`` consumes the state atomically,
exchanges the code with that verifier, and reads the Zoom user with the new token. The
link is stored only if the Zoom account's e-mail equals the requester's Slack e-mail (so
a forwarded link cannot attach someone else's Zoom account) and that Zoom account is not
linked to another Slack user; otherwise the new token is revoked at once. The Zoom HTTP
itself (authorize URL, code exchange, revoke) is ``bot.zoom.oauth.ZoomOAuth``.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.store.links import LinkConflictError, LinkRecord, LinkStore
from bot.store.oauth_states import OAuthStateStore
from bot.zoom.errors import ZoomError, ZoomErrorKind
from bot.zoom.models import ZoomUser
from bot.zoom.oauth import ZoomOAuth

log = logging.getLogger(__name__)


def new_pkce() -> tuple[str, str]:
    """A fresh PKCE pair: (verifier of 64 URL-safe characters, its S256 challenge)."""
    verifier = secrets.token_urlsafe(48)  # 48 bytes -> 64 characters, within RFC 7636's 43..128
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class LinkRefusal(StrEnum):
    LINKED = "linked"
    STATE_INVALID = "state_invalid"  # unknown, reused, expired or forged state
    CODE_REJECTED = "code_rejected"  # Zoom refused the code (expired, reused, wrong verifier)
    EMAIL_MISMATCH = "email_mismatch"  # the Zoom account is not the requester's
    ALREADY_LINKED_ELSEWHERE = "already_linked_elsewhere"  # that Zoom account belongs to another Slack user
    ZOOM_UNAVAILABLE = "zoom_unavailable"


@dataclass(frozen=True)
class LinkResult:
    ok: bool
    reason: LinkRefusal
    team_id: str | None = None
    user_id: str | None = None  # the Slack user
    zoom_user_id: str | None = None
    zoom_email: str | None = None
    error: ZoomError | None = None


@dataclass(frozen=True)
class UnlinkResult:
    was_linked: bool
    revoked_at_zoom: bool


ExpectedEmail = Callable[[str, str], Awaitable[str | None]]
ReadZoomUser = Callable[[str], Awaitable[ZoomUser]]


class LinkFlow:
    """Link / unlink a Slack user's Zoom account (see the module docstring)."""

    def __init__(
        self,
        oauth: ZoomOAuth,
        states: OAuthStateStore,
        links: LinkStore,
        read_zoom_user: ReadZoomUser,
    ) -> None:
        self._oauth = oauth
        self._states = states
        self._links = links
        self._read_zoom_user = read_zoom_user

    async def current(self, team_id: str, user_id: str) -> LinkRecord | None:
        """The user's stored link, if any (its status says whether it still works)."""
        return await self._links.get(team_id, user_id)

    async def begin(self, team_id: str, user_id: str) -> str:
        """A fresh authorize URL for this Slack user (PKCE S256, single-use state)."""
        verifier, challenge = new_pkce()
        state = await self._states.issue(team_id, user_id, verifier)
        return self._oauth.authorize_url(state, challenge)

    async def complete(self, code: str, state: str, expected_email: ExpectedEmail) -> LinkResult:
        consumed = await self._states.consume(state)
        if consumed is None:
            return LinkResult(ok=False, reason=LinkRefusal.STATE_INVALID)
        team_id, user_id = consumed.team_id, consumed.user_id
        try:
            tokens = await self._oauth.exchange_code(code, consumed.code_verifier)
        except ZoomError as error:
            reason = (
                LinkRefusal.ZOOM_UNAVAILABLE
                if error.kind == ZoomErrorKind.UNAVAILABLE
                else LinkRefusal.CODE_REJECTED
            )
            return LinkResult(ok=False, reason=reason, team_id=team_id, user_id=user_id, error=error)
        try:
            zoom_user = await self._read_zoom_user(tokens.access_token)
        except ZoomError as error:
            await self._revoke_quietly(tokens.access_token)
            return LinkResult(
                ok=False, reason=LinkRefusal.ZOOM_UNAVAILABLE, team_id=team_id, user_id=user_id, error=error
            )
        result = LinkResult(
            ok=False,
            reason=LinkRefusal.LINKED,
            team_id=team_id,
            user_id=user_id,
            zoom_user_id=zoom_user.id,
            zoom_email=zoom_user.email,
        )
        wanted = await expected_email(team_id, user_id)
        if not wanted or wanted.strip().casefold() != zoom_user.email.strip().casefold():
            await self._revoke_quietly(tokens.access_token)
            return _refused(result, LinkRefusal.EMAIL_MISMATCH)
        holders = await self._links.find_by_zoom_user(zoom_user.id)
        if any((h.team_id, h.user_id) != (team_id, user_id) for h in holders):
            await self._revoke_quietly(tokens.access_token)
            return _refused(result, LinkRefusal.ALREADY_LINKED_ELSEWHERE)
        if tokens.refresh_token is None:
            raise ZoomError(
                kind=ZoomErrorKind.UNKNOWN,
                operation="link your Zoom account",
                message="Zoom issued no refresh token",
            )
        try:
            await self._links.save_new_link(
                team_id,
                user_id,
                zoom_user_id=zoom_user.id,
                zoom_email=zoom_user.email,
                zoom_account_id=zoom_user.account_id,
                scopes=tokens.scopes,
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                access_expires_at=tokens.expires_at,
                api_url=tokens.api_url,
            )
        except LinkConflictError:
            # Lost a race with another Slack user linking the same Zoom account.
            await self._revoke_quietly(tokens.access_token)
            return _refused(result, LinkRefusal.ALREADY_LINKED_ELSEWHERE)
        log.info("zoom link saved for %s/%s", team_id, user_id)
        return replace(result, ok=True)

    async def unlink(self, team_id: str, user_id: str) -> UnlinkResult:
        """Revoke at Zoom (best effort) and delete the link here."""
        # Delete first (DELETE ... RETURNING): the bot stops using the tokens at once, and
        # two concurrent unlinks cannot both think they removed the link.
        row = await self._links.delete(team_id, user_id)
        if row is None:
            return UnlinkResult(was_linked=False, revoked_at_zoom=False)
        # Revoking either token ends the grant; the access token may have expired.
        revoked = await self._revoke_quietly(row.access_token) or await self._revoke_quietly(
            row.refresh_token
        )
        return UnlinkResult(was_linked=True, revoked_at_zoom=revoked)

    async def _revoke_quietly(self, token: str) -> bool:
        try:
            await self._oauth.revoke(token)
        except ZoomError as error:
            log.info("zoom revoke failed: %s", error.kind)
            return False
        return True


def _refused(result: LinkResult, reason: LinkRefusal) -> LinkResult:
    return replace(result, ok=False, reason=reason)
