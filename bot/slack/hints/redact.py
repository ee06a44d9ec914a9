"""Someone else's words made safe to quote: credentials removed, mrkdwn escaped, length capped."""

from __future__ import annotations

import re

from bot.slack.mrkdwn import escape, truncate

ZOOM_MESSAGE_LIMIT = 400  # characters of Zoom's message we quote


_URL = re.compile(r"\b(?:https?|zoommtg|zoomus)://\S+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[\w-]*\.[\w-]*\.?[\w-]*")
_LONG_OPAQUE = re.compile(r"[A-Za-z0-9_\-+/=.]{32,}")


def _redact(text: str) -> str:
    """Strip anything that could be a credential from text we did not write."""
    text = _URL.sub("[link removed]", text)
    text = _JWT.sub("[token removed]", text)
    return _LONG_OPAQUE.sub("[removed]", text)


def quote_external(text: str, limit: int = ZOOM_MESSAGE_LIMIT, *, redact: bool = True) -> str:
    """Someone else's words, made safe for mrkdwn: redacted, escaped, shortened."""
    flat = " ".join(text.split())
    return escape(truncate(_redact(flat) if redact else flat, limit))
