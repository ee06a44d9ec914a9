"""A failure explained: what failed, why, and what to do; and the reference quoted for bugs."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Literal

from bot.slack.mrkdwn import escape

Mode = Literal["user", "account"]


@dataclass(frozen=True)
class Hint:
    """A failure explained. ``title`` is plain text; the other fields are escaped mrkdwn."""

    title: str
    what: str
    why: str | None
    fix: str
    reference: str | None = None  # also logged by the caller, so support can find the log line

    def text(self) -> str:
        lines = [f":warning: *{escape(self.title)}*", self.what]
        if self.why:
            lines.append(f"*Why:* {self.why}")
        lines.append(f"*What to do:* {self.fix}")
        return "\n".join(lines)

    def plain(self) -> str:
        """The same explanation as plain text, for places that show no mrkdwn (a workflow's
        error: ``functions.completeError``): no emoji or emphasis, mentions and links as words."""
        title = self.title if self.title.endswith((".", "!", "?")) else f"{self.title}."
        parts = [title, _unmarked(self.what)]
        if self.why:
            parts.append(f"Why: {_unmarked(self.why)}")
        parts.append(f"What to do: {_unmarked(self.fix)}")
        return " ".join(part.strip() for part in parts)


_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]+))?>")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")


def _unmarked(mrkdwn: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", mrkdwn)
    text = _MENTION.sub(lambda m: f"@{m.group(2) or m.group(1)}", text)
    text = _EMPHASIS.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def new_reference() -> str:
    """A short id to quote in a reply and log next to the details."""
    return "ERR-" + secrets.token_hex(4).upper()
