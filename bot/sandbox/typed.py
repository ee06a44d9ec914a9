"""What Slack does to slash-command text before the app sees it.

The app's manifest sets ``should_escape: true``, so Slack sends ``&``, ``<`` and ``>`` as
entities, and turns a typed ``#design`` into ``<#C0DESIGN|design>``, ``@bob`` into
``<@U0BOB|bob>``, an e-mail into ``<mailto:a@b.c|a@b.c>`` and a URL into ``<https://…>``.
The sandbox does the same so the bot parses exactly what it would get from Slack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\bhttps?://[^\s<>]+")
_CHANNEL = re.compile(r"(?<![\w<|])#([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_USER = re.compile(r"(?<![\w<|:.+-])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_SLACK_TOKEN = re.compile(r"(<[^<>]*>)")


def escape_typed(text: str, *, channels: Mapping[str, str], users: Mapping[str, str]) -> str:
    """``text`` as Slack would deliver it; ``channels``/``users`` map names to ids.

    Unknown ``#names`` and ``@names`` stay as typed, as in Slack.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _EMAIL.sub(lambda m: f"<mailto:{m.group(0)}|{m.group(0)}>", escaped)
    escaped = _outside_tokens(escaped, _URL, lambda m: f"<{m.group(0)}>")

    def channel(match: re.Match[str]) -> str:
        name = match.group(1)
        channel_id = channels.get(name.lower())
        return f"<#{channel_id}|{name.lower()}>" if channel_id else match.group(0)

    def user(match: re.Match[str]) -> str:
        name = match.group(1)
        user_id = users.get(name.lower())
        return f"<@{user_id}|{name.lower()}>" if user_id else match.group(0)

    escaped = _outside_tokens(escaped, _CHANNEL, channel)
    return _outside_tokens(escaped, _USER, user)


def _outside_tokens(text: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> str:
    """Apply ``pattern`` only to the parts of ``text`` that are not already ``<…>`` tokens."""
    pieces = _SLACK_TOKEN.split(text)
    return "".join(piece if index % 2 else pattern.sub(replace, piece) for index, piece in enumerate(pieces))
