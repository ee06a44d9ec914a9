"""What Zoom's webhooks tell a meeting's Slack call: who joined, who left, and that it ended.

The effects (``bot/services/zoom_events.py``) see the call through :class:`CallFeed`;
``bot/slack/live/calls.py`` implements it with Slack's Calls API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class CallPerson:
    """One participant's stay, as the join and the leave payload both name it.

    ``key`` is the participant's meeting user id (the same in the join and its leave), so a
    guest shown in the call is removed again; ``email`` is empty for guests.
    """

    key: str
    name: str
    email: str


def call_person(key: str, participant: dict[str, Any]) -> CallPerson:
    email = str(participant.get("email") or "").strip()
    name = str(participant.get("user_name") or "").strip()
    return CallPerson(key=key, name=name or "Zoom participant", email=email)


def call_seconds(started_at: datetime | None, ended_at: datetime | None) -> int | None:
    """How long the meeting ran, for ``calls.end`` (None when Zoom did not say)."""
    if started_at is None or ended_at is None or ended_at < started_at:
        return None
    return int((ended_at - started_at).total_seconds())


class CallFeed(Protocol):
    """The meeting's Slack calls, kept current in the background (in order, per meeting)."""

    def joined(self, meeting_id: int, person: CallPerson) -> None: ...

    def left(self, meeting_id: int, person: CallPerson) -> None: ...

    def ended(self, meeting_id: int, duration_s: int | None, *, forget: bool = False) -> None: ...

    async def drain(self) -> None: ...
