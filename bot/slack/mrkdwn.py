"""Small, safe pieces of Slack ``mrkdwn``.

Slack treats only ``&``, ``<`` and ``>`` as control characters; everything a user or
Zoom typed (topics, names, error messages) goes through :func:`escape` before it is
put into ``mrkdwn`` or a message's top-level ``text``. ``*``, ``_`` and ``~`` cannot be
escaped, so they are left alone (at worst they change emphasis, they cannot ping
anyone or forge a link).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

ELLIPSIS = "…"

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Escape the three mrkdwn control characters (and nothing else)."""
    return text.translate(_ESCAPES)


def _fallback_text(dt: datetime, fallback_tz: tzinfo) -> str:
    local = dt.astimezone(fallback_tz)
    zone = local.tzname() or "UTC"
    return f"{local:%a %d %b %Y} at {local:%H:%M} {zone}"


def date_token(
    dt: datetime,
    fmt: str = "{date_short_pretty} at {time}",
    *,
    fallback_tz: tzinfo = UTC,
    link: str | None = None,
) -> str:
    """``<!date^EPOCH^TOKENS|fallback>``: every reader sees ``dt`` in their own zone.

    Slack requires the fallback (shown by clients that cannot render the token, e.g.
    notifications); it is written in ``fallback_tz`` — the caller's zone — with the
    zone's abbreviation so it is never ambiguous. Naive datetimes are taken as UTC.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    epoch = int(dt.timestamp())
    # The token string sits between ^ and | — neither may appear inside it.
    tokens = fmt.replace("^", "").replace("|", "")
    link_part = f"^{_safe_url(link)}" if link else ""
    return f"<!date^{epoch}^{tokens}{link_part}|{escape(_fallback_text(dt, fallback_tz))}>"


def _safe_url(url: str) -> str:
    # Inside <url|label>, a raw "|" or ">" would end the URL early; Slack decodes &amp;.
    return escape(url).replace("|", "%7C")


def link(url: str, label: str) -> str:
    """``<url|label>`` with the label escaped, so a label cannot open its own link."""
    safe_label = escape(label).replace("|", "¦") or escape(url)
    return f"<{_safe_url(url)}|{safe_label}>"


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending in "…" when cut.

    Never cuts through an escape (``&amp;``) or a ``<…>`` token (link, mention, date),
    which would leave Slack rendering broken markup.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    cut = limit - len(ELLIPSIS)
    head = text[:cut]
    open_token = head.rfind("<")
    if open_token != -1 and head.find(">", open_token) == -1:
        head = head[:open_token]
    open_entity = head.rfind("&")
    if open_entity != -1 and ";" not in head[open_entity:]:
        head = head[:open_entity]
    return head + ELLIPSIS


def format_meeting_id(meeting_id: int) -> str:
    """Zoom's own grouping: ``812 3456 7890`` (11 digits), ``812 345 6789`` (10), ``812 345 678`` (9)."""
    digits = str(meeting_id)
    if len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) in (9, 10):
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,30}")


def channel_mention(channel_id: str, fallback: str) -> str:
    """``<#C123>`` for a real channel id (Slack shows its name), else the escaped ``fallback``."""
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else escape(fallback)
