"""Confirm buttons act once: the first click on a question claims it.

A second click (a quick double-click, or a second device) finds it claimed and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.store.events import ProcessedEventStore

SOURCE = "slack"  # processed_events rows "click:<team>:<user>:<message ts>:<block>", pruned with the rest


class OneClick:
    def __init__(self, events: ProcessedEventStore, *, clock: Callable[[], datetime]) -> None:
        self._events = events
        self._clock = clock

    async def claim(self, team_id: str, user_id: str, message_ts: str, block_id: str) -> bool:
        """True for the first click on this question (the message and its block of buttons)."""
        key = f"click:{team_id}:{user_id}:{message_ts}:{block_id}"
        return await self._events.first_time(SOURCE, key, now=self._clock())
