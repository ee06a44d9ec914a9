"""A failure explained: what failed, why, and what to do; and the reference quoted for bugs."""

from __future__ import annotations

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


def new_reference() -> str:
    """A short id to quote in a reply and log next to the details."""
    return "ERR-" + secrets.token_hex(4).upper()
