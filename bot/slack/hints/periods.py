"""The wording for a usage period Zoom cannot answer: in the future, or older than Zoom keeps."""

from __future__ import annotations

from bot.services.account_reports import REPORT_MONTHS, PeriodError
from bot.slack.hints.hint import Hint
from bot.slack.hints.usage import USAGE, usage_fix


def period_hint(error: PeriodError) -> Hint:
    month = f"{error.first:%B %Y}"
    if error.reason == "future":
        what = f"{month} hasn't started yet, so Zoom has no usage for it."
    else:
        what = (
            f"Zoom keeps daily usage for {REPORT_MONTHS} months (this month and the five before); "
            f"{month} is older."
        )
    entry = USAGE["usage"]
    return Hint("I couldn't show that usage", what, None, usage_fix(entry.syntax, entry.example))
