"""Attendance of a past meeting in the numbers a host wants: who, how many, how long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from bot.zoom.attendance import Stay


@dataclass(frozen=True)
class Attendee:
    name: str  # display name only: e-mails never leave Zoom through the bot
    seconds: int  # all their stays together (people drop and rejoin)


@dataclass(frozen=True)
class Attendance:
    attendees: list[Attendee]  # longest first
    total_seconds: int  # everyone's time together (person-time)
    median_seconds: int

    @property
    def count(self) -> int:
        return len(self.attendees)


def summarize(stays: Sequence[Stay]) -> Attendance:
    """One attendee per person (their stays added up), longest first."""
    seconds: dict[str, int] = {}
    names: dict[str, str] = {}
    for stay in stays:
        seconds[stay.who] = seconds.get(stay.who, 0) + stay.seconds
        names.setdefault(stay.who, stay.name or "Someone")
    attendees = sorted(
        (Attendee(names[who], total) for who, total in seconds.items()), key=lambda a: (-a.seconds, a.name)
    )
    times = [a.seconds for a in attendees]
    return Attendance(attendees, sum(times), int(median(times)) if times else 0)
