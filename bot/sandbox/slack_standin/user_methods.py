"""Slack's OAuth for a person's own token, and the methods such a token calls: profile status, revoke.

``/oauth/v2/authorize`` is Slack's consent page, signed in as ``standin_user`` (the browser's
Slack session; ``approve=no`` presses Cancel). It checks the app's client id, the redirect URL
against the app's registered ones, and the ``user_scope`` against the app's declared user
scopes, then sends the browser back with a single-use code (10 minutes, bound to the app,
redirect URL and person). ``oauth.v2.access`` takes the client credentials as HTTP Basic or as
form fields and gives the person's token in ``authed_user.access_token``.

``users.profile.get`` / ``users.profile.set`` need a user token with ``users.profile:read`` /
``users.profile:write`` (a bot token: ``not_allowed_token_type``); ``status_text`` is at most
100 characters, ``status_emoji`` ``:name:`` or empty, ``status_expiration`` a whole Unix time
(0: never), and a status whose expiration has passed reads as cleared, as Slack clears it.
``auth.revoke`` kills the user token for good (``token_revoked`` afterwards).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from bot.sandbox.slack_standin.context import Refusal

CODE_TTL_S = 600
STATUS_TEXT_MAX = 100
_EMOJI = re.compile(r"^:[a-z0-9_+'-]+(::skin-tone-[2-6])?:$")
PROFILE_FIELDS = ("status_text", "status_emoji", "status_expiration")


@dataclass(frozen=True)
class OAuthApp:
    client_id: str
    client_secret: str
    redirect_urls: tuple[str, ...]
    user_scopes: frozenset[str]


@dataclass(frozen=True)
class UserGrant:
    team_id: str
    user_id: str
    scopes: frozenset[str]
    client_id: str


@dataclass(frozen=True)
class PendingCode:
    grant: UserGrant
    redirect_uri: str
    expires_at: float


@dataclass
class UserSide:
    """What people did on Slack's side: apps they may consent to, codes, their tokens and statuses."""

    clock: Callable[[], float]
    team_ids: Callable[[], set[str]]
    apps: dict[str, OAuthApp] = field(default_factory=dict)
    codes: dict[str, PendingCode] = field(default_factory=dict)
    tokens: dict[str, UserGrant] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> status fields

    # -- the consent page ------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """(HTTP status, where to send the browser, or why not) for ``GET /oauth/v2/authorize``."""
        app = self.apps.get(query.get("client_id", ""))
        if app is None:
            return 400, "invalid_client_id"
        redirect_uri = query.get("redirect_uri") or app.redirect_urls[0]
        if not any(_under(redirect_uri, registered) for registered in app.redirect_urls):
            return 400, "bad_redirect_uri"
        wanted = frozenset(s for s in query.get("user_scope", "").split(",") if s)
        if not wanted or not wanted <= app.user_scopes:
            return 400, "invalid_scope"
        team = query.get("team") or next(iter(sorted(self.team_ids())))
        person = query.get("standin_user", "")
        if team not in self.team_ids() or not person:
            return 400, "not_signed_in"
        back: dict[str, str] = {"state": query.get("state", "")}
        if query.get("approve", "yes") == "no":
            back["error"] = "access_denied"
        else:
            code = "standin-code-" + secrets.token_urlsafe(16)
            self.codes[code] = PendingCode(
                UserGrant(team, person, wanted, app.client_id), redirect_uri, self.clock() + CODE_TTL_S
            )
            back["code"] = code
        separator = "&" if "?" in redirect_uri else "?"
        return 302, f"{redirect_uri}{separator}{urlencode(back)}"

    # -- Web API methods -------------------------------------------------------------------

    def oauth_v2_access(self, args: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, secret = basic or (str(args.get("client_id") or ""), str(args.get("client_secret") or ""))
        app = self.apps.get(client_id)
        if app is None:
            raise Refusal("invalid_client_id")
        if not secrets.compare_digest(app.client_secret, secret):
            raise Refusal("bad_client_secret")
        pending = self.codes.pop(str(args.get("code") or ""), None)
        if pending is None or pending.expires_at < self.clock() or pending.grant.client_id != client_id:
            raise Refusal("invalid_code")
        if args.get("redirect_uri") and args["redirect_uri"] != pending.redirect_uri:
            raise Refusal("bad_redirect_uri")
        token = "xoxp-standin-" + secrets.token_urlsafe(24)
        self.tokens[token] = pending.grant
        grant = pending.grant
        return {
            "app_id": "A0001",
            "authed_user": {
                "id": grant.user_id,
                "scope": ",".join(sorted(grant.scopes)),
                "access_token": token,
                "token_type": "user",
            },
            "team": {"id": grant.team_id},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def profile_get(self, token: str | None, bot_tokens: set[str]) -> dict[str, Any]:
        grant = self._grant(token, "users.profile:read", bot_tokens)
        status = self._status(grant.user_id)
        return {"profile": {**status, "status_text_canonical": ""}}

    def profile_set(self, token: str | None, bot_tokens: set[str], args: dict[str, Any]) -> dict[str, Any]:
        grant = self._grant(token, "users.profile:write", bot_tokens)
        if args.get("user") and args["user"] != grant.user_id:
            raise Refusal("not_admin")
        profile = args.get("profile")
        if isinstance(profile, str):
            try:
                profile = json.loads(profile)
            except ValueError:
                raise Refusal("invalid_profile") from None
        if not isinstance(profile, dict) or not profile or set(profile) - set(PROFILE_FIELDS):
            raise Refusal("invalid_profile")
        changed = dict(self._status(grant.user_id))
        text, emoji = profile.get("status_text", changed["status_text"]), profile.get("status_emoji", "")
        expiration = profile.get("status_expiration", 0)
        if not isinstance(text, str) or not isinstance(emoji, str):
            raise Refusal("invalid_profile")
        if len(text) > STATUS_TEXT_MAX:
            raise Refusal("too_long")
        if emoji and not _EMOJI.match(emoji):
            raise Refusal("profile_set_failed")
        if isinstance(expiration, bool) or not isinstance(expiration, int) or expiration < 0:
            raise Refusal("invalid_profile")
        changed.update(status_text=text, status_emoji=emoji, status_expiration=expiration)
        self.statuses[grant.user_id] = changed
        return {"profile": changed}

    def revoke(self, token: str | None) -> dict[str, Any]:
        if not token:
            raise Refusal("not_authed")
        if token in self.revoked:
            raise Refusal("token_revoked")
        if token not in self.tokens:
            raise Refusal("invalid_auth")
        self.revoked.add(token)
        return {"revoked": True}

    # -- a person changes their own status in Slack ----------------------------------------

    def set_own_status(self, user_id: str, text: str, emoji: str = "", expiration: int = 0) -> None:
        self.statuses[user_id] = {"status_text": text, "status_emoji": emoji, "status_expiration": expiration}

    def status_of(self, user_id: str) -> dict[str, Any]:
        return dict(self._status(user_id))

    def _status(self, user_id: str) -> dict[str, Any]:
        status = self.statuses.get(user_id) or {"status_text": "", "status_emoji": "", "status_expiration": 0}
        expiration = status["status_expiration"]
        if expiration and expiration <= self.clock():  # Slack clears an expired status
            status = {"status_text": "", "status_emoji": "", "status_expiration": 0}
            self.statuses[user_id] = status
        return status

    def _grant(self, token: str | None, scope: str, bot_tokens: set[str]) -> UserGrant:
        if not token:
            raise Refusal("not_authed")
        if token in bot_tokens:
            raise Refusal("not_allowed_token_type")
        if token in self.revoked:
            raise Refusal("token_revoked")
        grant = self.tokens.get(token)
        if grant is None:
            raise Refusal("invalid_auth")
        if scope not in grant.scopes:
            raise Refusal(
                "missing_scope", extra={"needed": scope, "provided": ",".join(sorted(grant.scopes))}
            )
        return grant


def basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        client_id, _, secret = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except ValueError:
        return None
    return client_id, secret


def _under(given: str, registered: str) -> bool:
    """Slack's rule: the redirect URL must be a registered one or lie under it (same host and scheme)."""
    a, b = urlsplit(given), urlsplit(registered)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc) and a.path.startswith(b.path)
