"""Logging set-up: text or JSON, and a redaction filter on every handler.

Redaction is a safety net, not the plan: the code never logs secrets on purpose. But
libraries do (httpx logs full URLs, Bolt logs bodies when a signature fails, SQLAlchemy
logs parameters), so every record is scrubbed before it is written. The filter sits
on the handlers, so records from any logger — ours, slack_bolt, slack_sdk, httpx,
httpcore, sqlalchemy, apscheduler, uvicorn — pass through it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import IO

REDACTED = "[redacted]"

# Shapes of things that must never reach a log line.
_PATTERNS: list[re.Pattern[str]] = [
    re.compile(r"xox[abposr]-[A-Za-z0-9-]+"),  # Slack bot/user/app tokens
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),  # Authorization headers
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # JWTs (Zoom access tokens)
    re.compile(r"https?://[^\s'\"<>]*/(commands|actions|response)/[^\s'\"<>]+"),  # Slack response_urls
    re.compile(r"https?://[^\s'\"<>]*hooks\.slack\.com/[^\s'\"<>]+"),
    re.compile(r"https?://[^\s'\"<>]*/s/\d+\?[^\s'\"<>]*"),  # Zoom start_url (host credential)
    re.compile(
        r"(?i)((?:^|[?&\s])(zak|code|code_verifier|token|access_token|refresh_token|state|pwd)=)[^&\s'\"<>]+"
    ),
    re.compile(
        r"(?i)(['\"]?(access_token|refresh_token|client_secret|signing_secret|secret|password|"
        r"code_verifier|start_url|response_url|token)['\"]?\s*[:=]\s*['\"]?)[^'\"\s,&}]+"
    ),
    re.compile(r"(?i)(x-slack-signature|x-zm-signature)(['\"]?\s*[:=]\s*['\"]?)v0=[0-9a-f]+"),
    re.compile(r"sim(at|rt|zak)_[A-Za-z0-9_-]+"),  # the Zoom simulator's opaque tokens
]


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    for secret in extra_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(_keep_prefix, text)
    return text


def _keep_prefix(match: re.Match[str]) -> str:
    # Keep "key=" / "Bearer " style prefixes so the line still says what was there.
    groups = match.groups()
    if groups and groups[0] and match.group(0).startswith(groups[0]) and groups[0] != match.group(0):
        if groups[0].lower() in ("bearer", "basic"):
            return f"{groups[0]} {REDACTED}"
        if len(groups) > 1 and groups[0].lower() in ("x-slack-signature", "x-zm-signature"):
            return f"{groups[0]}{groups[1]}{REDACTED}"
        return f"{groups[0]}{REDACTED}"
    return REDACTED


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (after %-formatting) with secrets removed."""

    def __init__(self, extra_secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.extra_secrets = tuple(s for s in extra_secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        record.msg = redact(message, self.extra_secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, so the formatter does not print the raw one.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info), self.extra_secrets)
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            payload["exception"] = record.exc_text
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(
    level: str = "INFO",
    fmt: str = "text",
    extra_secrets: Iterable[str] = (),
    *,
    stream: IO[str] | None = None,
) -> None:
    """Install one redacting handler on the root logger (every library logger propagates to it)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(extra_secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    # uvicorn installs its own handlers; route them through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lib_logger = logging.getLogger(name)
        lib_logger.handlers = []
        lib_logger.propagate = True
