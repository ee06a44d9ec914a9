"""Every setting of the contract, typed, read from the environment and `.env`.

Loading never half-works: a malformed value, or a value a command needs but does not
have, raises :class:`ConfigError` whose message is one line naming the variable and
the form it should take. ``bot.cli`` prints that line and exits non-zero.

A frozen dataclass with a small parser per variable, rather than a settings library:
the variables are few and flat, and pydantic alone cost a seventh of the bot's start.
``.env`` is read with python-dotenv, so its quoting and comment rules are the usual ones.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, cast
from urllib.parse import urlsplit

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
    "ZOOM_PLAN": "pro or business (Zoom's rate limits: Business, Education and Enterprise are business)",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "LOG_FORMAT": "text or json",
    "PORT": "a TCP port number from 1 to 65535",
    "HTTP_KEEP_ALIVE_SECONDS": "whole seconds from 1 to 3600 (longer than your load balancer's idle timeout)",
}

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LogFormat = Literal["text", "json"]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
ZoomPlan = Literal["pro", "business"]
ZOOM_PLANS = ("pro", "business")


class ConfigError(Exception):
    """A setting is missing or malformed. The message is one line for the operator."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem}: expected {EXPECTED.get(variable, 'a valid value')}")


# --- one parser per kind of value: raw (a string from the environment, or a value given in
# code) in, the typed value out; ValueError when it is malformed. The message never
# quotes the value, which may be a secret.


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _optional(value: object) -> str | None:
    """Blank is unset; surrounding spaces (a pasted secret) are dropped."""
    if value is None:
        return None
    text = _text(value).strip()
    return text or None


def _prefixed(prefix: str) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        token = _optional(value)
        if token is not None and not token.startswith(prefix):
            raise ValueError(f"does not start with {prefix}")
        return token

    return parse


def _fernet_keys(value: object) -> tuple[str, ...]:
    from cryptography.fernet import Fernet

    if value is None or value == "":
        return ()
    raw = value.split(",") if isinstance(value, str) else list(cast("list[object]", value))
    keys = tuple(str(k).strip() for k in raw if str(k).strip())
    for key in keys:
        Fernet(key.encode())  # raises ValueError on a malformed key
    return keys


def _http_url(value: object) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    return text


def _slack_api_url(value: object) -> str:
    # slack_sdk joins method names with urljoin: without the slash, ".../api" + "chat.postMessage"
    # would become ".../chat.postMessage".
    return _http_url(value).rstrip("/") + "/"


def _zoom_url(value: object) -> str:
    return _http_url(value).rstrip("/")


def _database_url(value: object) -> str:
    text = _text(value)
    if not re.match(r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://", text):
        raise ValueError("is not a supported async URL")
    return text


def _log_level(value: object) -> LogLevel:
    level = _text(value).strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError("not a log level")
    return cast(LogLevel, level)


def _log_format(value: object) -> LogFormat:
    form = _text(value).strip().lower()
    if form not in LOG_FORMATS:
        raise ValueError("not a log format")
    return cast(LogFormat, form)


def _zoom_plan(value: object) -> ZoomPlan:
    plan = _text(value).strip().lower()
    if plan not in ZOOM_PLANS:
        raise ValueError("not a plan")
    return cast(ZoomPlan, plan)


def _whole_number(low: int, high: int) -> Callable[[object], int]:
    """A parser of whole numbers from ``low`` to ``high`` (text from the environment, or an int)."""

    def parse(value: object) -> int:
        if isinstance(value, bool):
            raise ValueError("not a whole number")
        number = int(value.strip()) if isinstance(value, str) else value
        if not isinstance(number, int) or not low <= number <= high:
            raise ValueError("out of range")
        return number

    return parse


PARSERS: dict[str, Callable[[object], Any]] = {
    "DATABASE_URL": _database_url,
    "TOKEN_ENCRYPTION_KEY": _fernet_keys,
    "SLACK_SIGNING_SECRET": _optional,
    "SLACK_BOT_TOKEN": _prefixed("xoxb-"),
    "SLACK_CLIENT_ID": _optional,
    "SLACK_CLIENT_SECRET": _optional,
    "SLACK_APP_TOKEN": _prefixed("xapp-"),
    "SLACK_API_URL": _slack_api_url,
    "ZOOM_CLIENT_ID": _optional,
    "ZOOM_CLIENT_SECRET": _optional,
    "ZOOM_REDIRECT_URI": _http_url,
    "ZOOM_ACCOUNT_ID": _optional,
    "ZOOM_WEBHOOK_SECRET_TOKEN": _optional,
    "ZOOM_API_URL": _zoom_url,
    "ZOOM_OAUTH_URL": _zoom_url,
    "ZOOM_PLAN": _zoom_plan,
    "LOG_LEVEL": _log_level,
    "LOG_FORMAT": _log_format,
    "PORT": _whole_number(1, 65535),
    "HTTP_KEEP_ALIVE_SECONDS": _whole_number(1, 3600),
}


@dataclass(frozen=True)
class Settings:
    """The bot's settings. Built from given values only; ``load_settings`` reads the
    environment and ``.env``. Every value goes through its parser, so a ``Settings`` that
    exists is well formed. Secrets are left out of ``repr``."""

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    TOKEN_ENCRYPTION_KEY: tuple[str, ...] = field(default=(), repr=False)
    SLACK_SIGNING_SECRET: str | None = field(default=None, repr=False)
    SLACK_BOT_TOKEN: str | None = field(default=None, repr=False)
    SLACK_CLIENT_ID: str | None = None
    SLACK_CLIENT_SECRET: str | None = field(default=None, repr=False)
    SLACK_APP_TOKEN: str | None = field(default=None, repr=False)
    SLACK_API_URL: str = "https://slack.com/api/"
    ZOOM_CLIENT_ID: str | None = None
    ZOOM_CLIENT_SECRET: str | None = field(default=None, repr=False)
    ZOOM_REDIRECT_URI: str = "http://localhost:3000/zoom/oauth/callback"
    ZOOM_ACCOUNT_ID: str | None = None
    ZOOM_WEBHOOK_SECRET_TOKEN: str | None = field(default=None, repr=False)
    ZOOM_API_URL: str = "https://api.zoom.us/v2"
    ZOOM_OAUTH_URL: str = "https://zoom.us"
    # The Zoom plan whose per-second limits the bot paces its calls under.
    ZOOM_PLAN: ZoomPlan = "pro"
    LOG_LEVEL: LogLevel = "INFO"
    LOG_FORMAT: LogFormat = "text"
    PORT: int = 3000
    # How long `serve` keeps an idle connection open. A load balancer reuses its connections
    # to the bot until its own idle timeout (AWS's 60 s, nginx's 60 s by default): a server
    # that closes first races it, and the request that loses comes back to Slack as a 502.
    # 75 s outlasts the common defaults; uvicorn's own is 5 s.
    HTTP_KEEP_ALIVE_SECONDS: int = 75

    def __post_init__(self) -> None:
        for variable in PARSERS:
            try:
                parsed = PARSERS[variable](getattr(self, variable))
            except (ValueError, TypeError):
                raise ConfigError(variable, "is malformed") from None
            object.__setattr__(self, variable, parsed)

    # --- derived --------------------------------------------------------------------------

    @property
    def account_mode(self) -> bool:
        return self.ZOOM_ACCOUNT_ID is not None

    @property
    def multi_workspace(self) -> bool:
        """Installed through Slack's OAuth in each workspace. With a bot token as well, the app is
        single-workspace and its client id and secret serve people's own consents (status sync)."""
        return self.SLACK_CLIENT_ID is not None and self.SLACK_BOT_TOKEN is None

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


# The variables Settings has; a test checks that each field has its parser.
SETTING_NAMES = frozenset(f.name for f in fields(Settings))


def load_settings(
    env_file: str | None = ".env", environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """The settings from, strongest first: ``overrides``, the environment, ``env_file``
    (when it exists), the defaults. Names are case-sensitive; other variables are ignored."""
    values: dict[str, Any] = {}
    if env_file is not None and os.path.isfile(env_file):
        from dotenv import dotenv_values

        # A line without "=" reads as None in dotenv: it sets nothing.
        dotenv = dotenv_values(env_file, encoding="utf-8")
        values.update({k: v for k, v in dotenv.items() if k in SETTING_NAMES and v is not None})
    source = os.environ if environ is None else environ
    values.update({k: v for k, v in source.items() if k in SETTING_NAMES})
    unknown = set(overrides) - SETTING_NAMES
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    values.update(overrides)
    return Settings(**values)
