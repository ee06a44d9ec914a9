"""Meeting lengths the way people type them: ``45m``, ``1h30``, ``90 min``, ``1.5h``, ``for 2 hours``."""

from __future__ import annotations

import re

from bot.services.when.errors import DURATION_EXAMPLE, WhenError
from bot.services.when.phrasing import rephrase_span

MIN_DURATION = 1
MAX_DURATION = 1440  # Zoom: duration is 1–1440 minutes


_HOUR_UNITS = r"(?:h|hr|hrs|hour|hours)"
_MINUTE_UNITS = r"(?:m|min|mins|minute|minutes)"
_DAY_UNITS = r"(?:d|day|days)"
_DURATION = re.compile(
    rf"(?:(?P<hours>\d{{1,4}}(?:\.\d{{1,3}})?)\s*{_HOUR_UNITS})?"
    rf"\s*(?:(?P<minutes>\d{{1,5}})\s*{_MINUTE_UNITS}?)?"
)
_WEEK_UNITS = r"(?:w|wk|wks|week|weeks)"
SPAN_PART = re.compile(
    rf"(\d{{1,6}}(?:\.\d{{1,3}})?)\s*({_WEEK_UNITS}|{_DAY_UNITS}|{_HOUR_UNITS}|{_MINUTE_UNITS})(?![a-z])"
)


def duration_minutes(text: str) -> int | None:
    """Minutes in a duration like ``1h30m``; None if it is not one (no range check)."""
    cleaned = rephrase_span(text).replace(" and ", " ")
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        return None
    hours, minutes = match.group("hours"), match.group("minutes")
    if hours is None and minutes is None:
        return None
    if hours is not None and minutes is not None and "." in hours:
        return None  # "1.5h 10m" is too clever to guess
    return round(float(hours or 0) * 60) + int(minutes or 0)


def parse_duration(text: str) -> int:
    """Minutes for ``45m`` / ``1h30m`` / ``1.5h`` / ``90 min`` / ``90``; raises :class:`WhenError`."""
    minutes = duration_minutes(text)
    if minutes is None:
        raise WhenError("I couldn't read that duration.", DURATION_EXAMPLE)
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise WhenError("A meeting lasts between 1 minute and 24 hours (1440 minutes).", DURATION_EXAMPLE)
    return minutes


def split_when_and_duration(text: str) -> tuple[str, int | None]:
    """Split ``"tomorrow 3pm for 45m"`` into ``("tomorrow 3pm", 45)``; ``for an hour`` too.

    Only a trailing ``for <duration>`` counts, so "Prep for launch" stays whole: a tail that
    starts with a digit must be a duration (a malformed or out-of-range one raises
    :class:`WhenError`); one in words (``for half an hour``) counts only if it reads as one.
    """
    for match in re.finditer(r"(?:^|\s)for\s+(?=\S)", text, flags=re.IGNORECASE):
        tail = text[match.end() :].strip()
        head = text[: match.start()].strip()
        if tail[:1].isdigit() or duration_minutes(tail) is not None:
            return head, parse_duration(tail)
    return text.strip(), None
