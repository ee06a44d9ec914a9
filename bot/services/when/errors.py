"""The error a time, duration or recurrence we cannot accept raises, with a wording that works."""

from __future__ import annotations

WHEN_EXAMPLE = "tomorrow 3pm"
DURATION_EXAMPLE = "45m"


class WhenError(Exception):
    """A time or duration we could not accept; ``message`` is safe to show the user."""

    def __init__(self, message: str, example: str = WHEN_EXAMPLE) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WhenError) and (self.message, self.example) == (other.message, other.example)

    def __hash__(self) -> int:
        return hash((self.message, self.example))
