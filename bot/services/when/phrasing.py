"""Everyday phrasings rewritten into the compact forms the readers take.

``half an hour`` → ``30m``, ``half past 3`` → ``3:30``, ``8 tonight`` → ``today 8pm``,
``3 hours from now`` → ``in 3 hours``.

Pure text to text, lower-cased; a phrase it does not know is left as it is, so the readers
still decide what is a time. Rewriting only ever makes a reading more specific when the
words themselves say so ("in the afternoon", "tonight"); a bare hour stays bare and the
working-hours rule in ``clocks`` decides it and says so.
"""

from __future__ import annotations

import re

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "ninety": 90, "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2,
}  # fmt: skip
_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _NUMBERS), key=len, reverse=True)) + r")\b")

_HOURS = r"(?:hours?|hrs?)"
_MINUTES = r"(?:minutes?|mins?)"
# Order matters: the longer phrase first ("an hour and a half" before "an hour").
_SPANS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (rf"\b(?:an?|1) {_HOURS} and an? half\b", "90m"),
        (rf"\b(\d{{1,2}}) and an? half {_HOURS}\b", r"\1h30m"),
        (rf"\b(\d{{1,2}}) {_HOURS} and an? half\b", r"\1h30m"),
        (rf"\b(\d{{1,2}}) 1/2 {_HOURS}\b", r"\1h30m"),
        (rf"\b(?:an? )?(?:half an?|half|1/2|1/2 an?) {_HOURS}\b", "30m"),
        (rf"\b(?:an? )?quarter (?:of an? )?{_HOURS}\b", "15m"),
        (rf"\b(?:3|three) quarters (?:of an? )?{_HOURS}\b", "45m"),
        (rf"\ban {_HOURS}\b", "1h"),
        (rf"\ba {_HOURS}\b", "1h"),
        (rf"\ban? {_MINUTES}\b", "1m"),
    )
)

_ANY_CLOCK = r"\d{1,2}(?::\d{2})?"
_DAYPARTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # "8 tonight", "8pm tonight" → "tonight 8<pm>"; "tonight at 8" → "tonight 8<pm>"
        (rf"\b(?:at )?({_ANY_CLOCK}) tonight\b", r"today \1<ev>"),
        (rf"\btonight (?:at )?({_ANY_CLOCK})\b(?!\s*(?:am|pm|a\.m\.|p\.m\.))", r"today \1<ev>"),
        (rf"\b({_ANY_CLOCK}) (?:in the|this) afternoon\b", r"\1<pm>"),
        (rf"\b({_ANY_CLOCK}) (?:in the|this) evening\b", r"\1<ev>"),
        (rf"\b({_ANY_CLOCK}) at night\b", r"\1<ev>"),
        (rf"\b({_ANY_CLOCK}) (?:in the|this) morning\b", r"\1<am>"),
        (rf"\bthis afternoon (?:at )?({_ANY_CLOCK})\b", r"today \1<pm>"),
        (rf"\bthis evening (?:at )?({_ANY_CLOCK})\b", r"today \1<ev>"),
        (rf"\bthis morning (?:at )?({_ANY_CLOCK})\b", r"today \1<am>"),
        (rf"\b(today|tomorrow|tmrw|\w+day) afternoon (?:at )?({_ANY_CLOCK})\b", r"\1 \2<pm>"),
        (rf"\b(today|tomorrow|tmrw|\w+day) evening (?:at )?({_ANY_CLOCK})\b", r"\1 \2<ev>"),
        (rf"\b(today|tomorrow|tmrw|\w+day) morning (?:at )?({_ANY_CLOCK})\b", r"\1 \2<am>"),
        (rf"\b({_ANY_CLOCK}) (today|tomorrow|tmrw|\w+day) afternoon\b", r"\2 \1<pm>"),
        (rf"\b({_ANY_CLOCK}) (today|tomorrow|tmrw|\w+day) evening\b", r"\2 \1<ev>"),
        (rf"\b({_ANY_CLOCK}) (today|tomorrow|tmrw|\w+day) morning\b", r"\2 \1<am>"),
    )
)
# Which hours a part of the day allows: "8 tonight" is 20:00, "2 tonight" is nothing we guess.
# The mark becomes the meridiem it stands for ("<ev>" → pm).
_PART_HOURS = {"<pm>": range(1, 8), "<ev>": range(5, 12), "<am>": range(5, 12)}
_PART_MERIDIEM = {"<pm>": "pm", "<ev>": "pm", "<am>": "am"}


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_COMPOUND = re.compile(rf"\b({'|'.join(_TENS)})[- ]?({'|'.join(_UNITS)})\b")


def _number_words(text: str) -> str:
    """``forty-five`` → ``45``, ``a couple of`` → ``2``."""
    text = _COMPOUND.sub(lambda m: str(_TENS[m.group(1)] + _UNITS.index(m.group(2)) + 1), text)
    return _NUMBER_WORD.sub(lambda m: str(_NUMBERS[m.group(1)]), text)


def _clock_words(text: str) -> str:
    """``half past 3`` → ``3:30``, ``quarter to 10`` → ``9:45``, ``3 o'clock`` → ``3``."""
    text = re.sub(r"\b(\d{1,2}) ?o'? ?clock\b", r"\1:00", text)
    text = re.sub(r"\bhalf past (\d{1,2})\b", r"\1:30", text)
    text = re.sub(r"\b(?:a )?quarter past (\d{1,2})\b", r"\1:15", text)
    text = re.sub(r"\b(\d{1,2})[.:]?(\d{2})? ?(?:h|hrs)\b(?=\s|$)", _hours_suffix, text)

    def quarter_to(match: re.Match[str]) -> str:
        hour = int(match.group(1))
        return f"{(hour - 2) % 12 + 1}:45" if 1 <= hour <= 12 else match.group(0)

    text = re.sub(r"\b(?:a )?quarter (?:to|of|till) (\d{1,2})\b", quarter_to, text)
    # "17h30", "9h": a continental clock
    return re.sub(r"\b([01]?\d|2[0-3])h([0-5]\d)\b", r"\1:\2", text)


def _hours_suffix(match: re.Match[str]) -> str:
    """``1730h``/``1730 hrs`` is a military clock; ``2h``/``2 hrs`` is a span and stays."""
    whole = match.group(0)
    digits = match.group(1) + (match.group(2) or "")
    if match.group(2) is None and len(digits) <= 2:
        return whole
    if len(digits) == 4 and int(digits[:2]) <= 23 and int(digits[2:]) <= 59:
        return f"{digits[:2]}:{digits[2:]}"
    return whole


def _apply_parts(text: str) -> str | None:
    """Resolve ``8<pm>``-style marks into a clock; None when the hour doesn't fit the part of the day."""
    for mark, allowed in _PART_HOURS.items():
        for match in list(re.finditer(rf"(\d{{1,2}})(?::(\d{{2}}))?{mark}", text)):
            hour = int(match.group(1))
            if hour not in allowed:
                return None
            minute = f":{match.group(2)}" if match.group(2) else ""
            text = text.replace(match.group(0), f"{hour}{minute}{_PART_MERIDIEM[mark]}", 1)
    return text


def _from_now(text: str) -> str:
    """``3 hours from now`` → ``in 3 hours``; ``a week from tomorrow`` → ``in a week from tomorrow``."""
    match = re.fullmatch(r"(.+?) (?:from now|later)", text)
    if match is not None and not match.group(1).startswith("in "):
        return f"in {match.group(1)}"
    return text


def _days_from(match: re.Match[str]) -> str:
    """``a week from tomorrow`` → ``in 8 days``: whole days counted from today."""
    amount = 1 if match.group(1) in ("a", "an") else int(match.group(1))
    days = amount * (7 if match.group(2).startswith("week") else 1) + (match.group(3) == "tomorrow")
    return f"in {days} days"


def rephrase_span(text: str) -> str:
    """Spans in words made compact: ``an hour and a half`` → ``90m``, ``ninety minutes`` → ``90 minutes``."""
    cleaned = " ".join(text.lower().replace("’", "'").replace(",", " ").split())
    cleaned = _number_words(cleaned)
    for pattern, replacement in _SPANS:
        cleaned = pattern.sub(replacement, cleaned)
    return cleaned


def rephrase(text: str) -> str | None:
    """The compact form of ``text``; None when the words contradict themselves ("2 tonight")."""
    cleaned = rephrase_span(text)
    cleaned = re.sub(r"^(an?|\d{1,3}) (days?|weeks?) from (today|tomorrow)\b", _days_from, cleaned)
    cleaned = _clock_words(cleaned)
    for pattern, replacement in _DAYPARTS:
        cleaned = pattern.sub(replacement, cleaned)
    if "<" in cleaned:
        parted = _apply_parts(cleaned)
        if parted is None:
            return None
        cleaned = parted
    return _from_now(cleaned)
