"""A schedule or move command written back as `/zoom` text with another time.

It is what a button answering "Did you mean …?" carries, so the click runs exactly the
typed command's path."""

from __future__ import annotations

from bot.slack.grammar.commands import MoveMeeting, Schedule

_QUOTES = (('"', '"'), ("“", "”"), ("«", "»"), ("「", "」"))


def _quoted(topic: str) -> str:
    opening, closing = next(((o, c) for o, c in _QUOTES if o not in topic and c not in topic), _QUOTES[-1])
    return f"{opening}{topic}{closing}"


def retyped(command: Schedule | MoveMeeting, when_text: str) -> str:
    """The `/zoom` text (without `/zoom`) for ``command`` at ``when_text`` instead of its own time."""
    if isinstance(command, MoveMeeting):
        return f"move {command.meeting_id} {when_text}"
    text = f"schedule {_quoted(command.topic)} {when_text}"
    if command.duration_minutes is not None:
        text += f" for {command.duration_minutes}m"
    if command.host is not None:
        host = f"<@{command.host.slack_user_id}>" if command.host.slack_user_id else command.host.email
        text += f" host {host}"
    return text
