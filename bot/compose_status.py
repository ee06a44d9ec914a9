"""The status-sync part of the composition root: the service, its Slack calls and its redirect URL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from bot.services.status_sync import StatusSync
from bot.settings import Settings
from bot.slack.user_api import SlackUserApi
from bot.store.db import Database
from bot.store.status_sync import StatusSyncStore
from bot.store.vault import TokenVault

STATUS_REDIRECT_PATH = "/slack/status/oauth_redirect"
_ZOOM_CALLBACK_PATH = "/zoom/oauth/callback"


def status_redirect_uri(settings: Settings) -> str:
    """Where Slack sends a person back after their consent: the bot's public URL, which
    ``ZOOM_REDIRECT_URI`` already names (``…/zoom/oauth/callback``), so no setting of its own."""
    parts = urlsplit(settings.ZOOM_REDIRECT_URI)
    base = parts.path.removesuffix(_ZOOM_CALLBACK_PATH) if parts.path.endswith(_ZOOM_CALLBACK_PATH) else ""
    return f"{parts.scheme}://{parts.netloc}{base.rstrip('/')}{STATUS_REDIRECT_PATH}"


def build_status_sync(
    settings: Settings, db: Database, vault: TokenVault, *, clock: Callable[[], datetime], owner: str
) -> StatusSync:
    """Status sync needs the Slack app's client id and secret (people's consent) and Zoom's
    webhooks (when meetings start and end); without either, `/zoom status on` says which is missing."""
    api = (
        SlackUserApi(
            settings.SLACK_API_URL,
            settings.SLACK_CLIENT_ID,
            settings.SLACK_CLIENT_SECRET,
            status_redirect_uri(settings),
        )
        if settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET
        else None
    )
    return StatusSync(
        StatusSyncStore(db, vault),
        api,
        clock=clock,
        owner=owner,
        follows_meetings=settings.ZOOM_WEBHOOK_SECRET_TOKEN is not None,
    )
