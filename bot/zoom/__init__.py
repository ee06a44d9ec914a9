"""Talking to Zoom: the HTTP core, typed operations, OAuth endpoints and safe token refresh.

An adapter: it speaks Zoom's HTTP; what the bot does with it (linking accounts, refusing
what it must) lives in ``bot.services``.

Start-up wiring (once per process)::

    http = ZoomHttp(settings.ZOOM_API_URL, settings.ZOOM_OAUTH_URL)
    oauth = ZoomOAuth(http, client_id, client_secret, redirect_uri)
    zoom = UserZoom(http, UserTokenSource(links, oauth, team_id, user_id))   # user mode
    zoom = AccountZoom(http, AccountTokenSource(oauth, account_id))           # account mode
"""

from bot.zoom.account_tokens import AccountTokenSource, StaticTokenSource
from bot.zoom.changes import MeetingRequest, MeetingUpdate
from bot.zoom.client import AccountZoom, UserZoom
from bot.zoom.errors import NotLinkedError, Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import RetryPolicy, TokenSource, ZoomHttp
from bot.zoom.ids import ZoomUserRef
from bot.zoom.models import (
    Meeting,
    MeetingType,
    Occurrence,
    Page,
    Recording,
    RecordingFile,
    Recurrence,
    TokenSet,
    ZoomUser,
)
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import UserTokenSource

__all__ = [
    "AccountTokenSource",
    "AccountZoom",
    "Meeting",
    "MeetingRequest",
    "MeetingType",
    "MeetingUpdate",
    "NotLinkedError",
    "Occurrence",
    "Outcome",
    "Page",
    "Recording",
    "RecordingFile",
    "Recurrence",
    "RetryPolicy",
    "StaticTokenSource",
    "TokenSet",
    "TokenSource",
    "UserTokenSource",
    "UserZoom",
    "ZoomError",
    "ZoomErrorKind",
    "ZoomHttp",
    "ZoomOAuth",
    "ZoomUser",
    "ZoomUserRef",
]
