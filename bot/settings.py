"""Every setting of the contract, typed, read from the environment and `.env`.

Loading never half-works: a malformed value, or a value a command needs but does not
have, raises :class:`ConfigError` whose message is one line naming the variable and
the form it should take. ``bot.cli`` prints that line and exits non-zero.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./zoombot.db"

# What each variable should look like, for the one-line error message.
EXPECTED: dict[str, str] = {
    "DATABASE_URL": "a SQLAlchemy async URL such as sqlite+aiosqlite:///./zoombot.db "
    "or postgresql+asyncpg://user:pass@host/db",
    "TOKEN_ENCRYPTION_KEY": "one or more Fernet keys, comma-separated, newest first "
    "(make one with `zoombot keygen`)",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's Basic Information page",
    "SLACK_BOT_TOKEN": "a bot token starting with xoxb-",
    "SLACK_CLIENT_ID": "the Client ID from your Slack app's Basic Information page",
    "SLACK_CLIENT_SECRET": "the Client Secret from your Slack app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token starting with xapp- (Socket Mode)",
    "SLACK_API_URL": "an http(s) URL such as https://slack.com/api/",
    "ZOOM_CLIENT_ID": "the Client ID of your Zoom app",
    "ZOOM_CLIENT_SECRET": "the Client Secret of your Zoom app",
    "ZOOM_REDIRECT_URI": "the public http(s) URL of /zoom/oauth/callback",
    "ZOOM_ACCOUNT_ID": "the Account ID of your Zoom Server-to-Server OAuth app",
    "ZOOM_WEBHOOK_SECRET_TOKEN": "the Secret Token from your Zoom app's Access page",
    "ZOOM_API_URL": "an http(s) URL such as https://api.zoom.us/v2",
    "ZOOM_OAUTH_URL": "an http(s) URL such as https://zoom.us",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "LOG_FORMAT": "text or json",
    "PORT": "a TCP port number from 1 to 65535",
}


class ConfigError(Exception):
    """A setting is missing or malformed. The message is one line for the operator."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem}: expected {EXPECTED.get(variable, 'a valid value')}")


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    TOKEN_ENCRYPTION_KEY: Annotated[tuple[str, ...], NoDecode] = Field(default=(), repr=False)
    SLACK_SIGNING_SECRET: str | None = Field(default=None, repr=False)
    SLACK_BOT_TOKEN: str | None = Field(default=None, repr=False)
    SLACK_CLIENT_ID: str | None = None
    SLACK_CLIENT_SECRET: str | None = Field(default=None, repr=False)
    SLACK_APP_TOKEN: str | None = Field(default=None, repr=False)
    SLACK_API_URL: str = "https://slack.com/api/"
    ZOOM_CLIENT_ID: str | None = None
    ZOOM_CLIENT_SECRET: str | None = Field(default=None, repr=False)
    ZOOM_REDIRECT_URI: str = "http://localhost:3000/zoom/oauth/callback"
    ZOOM_ACCOUNT_ID: str | None = None
    ZOOM_WEBHOOK_SECRET_TOKEN: str | None = Field(default=None, repr=False)
    ZOOM_API_URL: str = "https://api.zoom.us/v2"
    ZOOM_OAUTH_URL: str = "https://zoom.us"
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    LOG_FORMAT: Literal["text", "json"] = "text"
    PORT: int = Field(default=3000, ge=1, le=65535)

    @field_validator(
        "SLACK_SIGNING_SECRET",
        "SLACK_BOT_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_APP_TOKEN",
        "ZOOM_CLIENT_ID",
        "ZOOM_CLIENT_SECRET",
        "ZOOM_ACCOUNT_ID",
        "ZOOM_WEBHOOK_SECRET_TOKEN",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("TOKEN_ENCRYPTION_KEY", mode="before")
    @classmethod
    def _fernet_keys(cls, value: object) -> tuple[str, ...]:
        if value is None or value == "":
            return ()
        raw = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        keys = tuple(str(k).strip() for k in raw if str(k).strip())
        for key in keys:
            Fernet(key.encode())  # raises ValueError on a malformed key
        return keys

    @field_validator("SLACK_BOT_TOKEN")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("does not start with xoxb-")
        return value

    @field_validator("SLACK_APP_TOKEN")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("does not start with xapp-")
        return value

    @field_validator("SLACK_API_URL")
    @classmethod
    def _slack_api_url(cls, value: str) -> str:
        # slack_sdk joins method names with urljoin: without the slash, ".../api" + "chat.postMessage"
        # would become ".../chat.postMessage".
        return _http_url(value).rstrip("/") + "/"

    @field_validator("ZOOM_API_URL", "ZOOM_OAUTH_URL")
    @classmethod
    def _zoom_urls(cls, value: str) -> str:
        return _http_url(value).rstrip("/")

    @field_validator("ZOOM_REDIRECT_URI")
    @classmethod
    def _redirect(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not re.match(r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://", value):
            raise ValueError("is not a supported async URL")
        return value

    @field_validator("LOG_LEVEL", "LOG_FORMAT", mode="before")
    @classmethod
    def _normalise_case(cls, value: object) -> object:
        if isinstance(value, str):
            return (
                value.strip().upper() if value.strip().upper() in EXPECTED_LEVELS else value.strip().lower()
            )
        return value

    # --- derived --------------------------------------------------------------------------

    @property
    def account_mode(self) -> bool:
        return self.ZOOM_ACCOUNT_ID is not None

    @property
    def multi_workspace(self) -> bool:
        return self.SLACK_CLIENT_ID is not None

    def require(self, command: str) -> None:
        """Check that everything ``command`` needs is present; raise ConfigError otherwise."""
        if command in ("serve", "socket"):
            if not self.TOKEN_ENCRYPTION_KEY:
                raise ConfigError("TOKEN_ENCRYPTION_KEY", "is not set")
            if command == "serve" and not self.SLACK_SIGNING_SECRET:
                raise ConfigError("SLACK_SIGNING_SECRET", "is not set")
            if command == "socket" and not self.SLACK_APP_TOKEN:
                raise ConfigError("SLACK_APP_TOKEN", "is not set")
            if self.SLACK_CLIENT_ID and not self.SLACK_CLIENT_SECRET:
                raise ConfigError("SLACK_CLIENT_SECRET", "is not set (SLACK_CLIENT_ID is)")
            if self.SLACK_CLIENT_SECRET and not self.SLACK_CLIENT_ID:
                raise ConfigError("SLACK_CLIENT_ID", "is not set (SLACK_CLIENT_SECRET is)")
            if not self.SLACK_BOT_TOKEN and not self.SLACK_CLIENT_ID:
                raise ConfigError("SLACK_BOT_TOKEN", "is not set (nor SLACK_CLIENT_ID/SLACK_CLIENT_SECRET)")
            if not self.ZOOM_CLIENT_ID:
                raise ConfigError("ZOOM_CLIENT_ID", "is not set")
            if not self.ZOOM_CLIENT_SECRET:
                raise ConfigError("ZOOM_CLIENT_SECRET", "is not set")
        if command == "rotate-key" and not self.TOKEN_ENCRYPTION_KEY:
            raise ConfigError("TOKEN_ENCRYPTION_KEY", "is not set")


EXPECTED_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR"}


def load_settings(env_file: str | None = ".env", **overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into a one-line ConfigError."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]) if first["loc"] else "configuration"
        raise ConfigError(variable, "is malformed") from None
