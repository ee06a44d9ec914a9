"""The Bolt ``AsyncApp``: every setting passed in code, listeners registered from one place."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from bot.slack.listeners import register
from bot.store.db import Database
from bot.store.vault import TokenVault

log = logging.getLogger(__name__)

# The manifest's two lists: what zoombot cannot work without, and what only some features need
# (a workspace may decline those at install; each such feature then says why it is off).
BOT_SCOPES = [
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "im:write",
    "calls:write",
    "calls:read",
]
BOT_OPTIONAL_SCOPES = ["chat:write.public", "links:read", "links:write", "channels:read"]


class _ClientWinsNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns at every start
    that the client we pass wins over it. It does, on purpose (the client carries that same
    token); the warning would only send admins looking for a misconfiguration."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_BOLT_LOG = logging.getLogger("slack_bolt.AsyncApp")
if not any(isinstance(f, _ClientWinsNotice) for f in _BOLT_LOG.filters):
    _BOLT_LOG.addFilter(_ClientWinsNotice())


def build_bolt_app(
    settings: Settings, *, db: Database, vault: TokenVault, socket_mode: bool = False
) -> AsyncApp:
    """Build the app. Nothing is read from the environment behind our back: Bolt would
    otherwise pick up SLACK_* variables on its own."""
    client = AsyncWebClient(token=settings.SLACK_BOT_TOKEN, base_url=settings.SLACK_API_URL)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    common = {
        # Named, or Bolt names the app after its caller's file through ``inspect.stack()``,
        # which reads the source of every frame: a tenth of a second of every start.
        "name": "zoombot",
        "client": client,
        "signing_secret": settings.SLACK_SIGNING_SECRET or "unused-in-socket-mode",
        # We verify signatures ourselves on the raw bytes before Bolt runs (bot/slack/signature.py),
        # because Bolt's check raises on malformed headers and bodies instead of refusing them.
        "request_verification_enabled": False,
        "process_before_response": False,
        "raise_error_for_unhandled_request": False,
    }
    if settings.multi_workspace and settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET:
        from bot.store.slack_installations import installation_store, oauth_state_store

        app = AsyncApp(
            installation_store=installation_store(db, settings.SLACK_CLIENT_ID, vault),
            oauth_settings=AsyncOAuthSettings(
                client_id=settings.SLACK_CLIENT_ID,
                client_secret=settings.SLACK_CLIENT_SECRET,
                scopes=BOT_SCOPES + BOT_OPTIONAL_SCOPES,
                install_path="/slack/install",
                redirect_uri_path="/slack/oauth_redirect",
                state_store=oauth_state_store(db),
            ),
            **common,  # type: ignore[arg-type]
        )
        app.enable_token_revocation_listeners()
    else:
        app = AsyncApp(**common)  # type: ignore[arg-type]  # the client carries the bot token
    register(app)
    return app
