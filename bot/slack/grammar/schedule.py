"""`/zoom schedule`: a topic, then when (once, or a series with `every …`), a duration and a host."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time

from bot.services.when import (
    RecurrenceError,
    WhenError,
    looks_like_when,
    parse_clock,
    read_recurrence,
    recurrence_starts,
    split_when_and_duration,
)
from bot.services.when.ranges import split_range
from bot.services.when.series_words import soft_starts
from bot.slack.grammar.commands import Command, OpenScheduleModal, Schedule
from bot.slack.grammar.words import take_host, take_quoted, topic_from
from bot.slack.hints import USAGE, UsageError


def take_trailing_clock(text: str) -> tuple[str, str, time | None]:
    """``Standup at 10am`` → (``Standup``, ``at 10am``, 10:00): a time of day written before the rule."""
    words = text.split()
    for size in (3, 2, 1):
        if len(words) > size and (clock := parse_clock(" ".join(words[-size:]))) is not None:
            before = words[:-size]
            if before and before[-1].lower() in ("at", "@"):
                before = before[:-1]
            if before:
                return " ".join(before), " ".join(words[len(before) :]), clock
    return text, "", None


_MILITARY_FIRST = re.compile(r"\d{4}$")


def _split_topic_and_when(text: str) -> tuple[str, str] | None:
    """Unquoted ``Design review tomorrow 3pm``: the longest tail that reads as a time."""
    words = text.split()
    for start in range(max(1, len(words) - 8), len(words)):
        tail = " ".join(words[start:])
        if _MILITARY_FIRST.match(words[start]):
            continue  # "Budget 2030 tomorrow": a number in the topic, not 20:30
        if looks_like_when(tail):
            return " ".join(words[:start]), tail
    return None


def _split_range(body: str) -> tuple[tuple[str, str], int] | None:
    """``Review friday 9 to 11am``: (topic, when) with the range's start, and its length.

    The range counts only if it lands in the time (``Sprint 2-3 planning tomorrow 3pm`` keeps
    its topic whole)."""
    ranged = split_range(body)
    if ranged is None:
        return None
    if looks_like_when(ranged.text):
        return ("", ranged.text), ranged.minutes
    split = _split_topic_and_when(ranged.text)
    if split is None or ranged.start not in split[1].split():
        return None
    return split, ranged.minutes


def read_schedule(rest: str) -> Command | UsageError:
    if not rest:
        return OpenScheduleModal()
    hosted = take_host(rest, "schedule")
    if isinstance(hosted, UsageError):
        return hosted
    rest, host = hosted
    command = _schedule_for_caller(rest)
    if host is not None and isinstance(command, Schedule):
        return replace(command, host=host)
    return command


def _schedule_for_caller(rest: str) -> Command | UsageError:
    if not rest:
        return UsageError.for_subcommand("schedule", "Give the meeting a topic and a time.")
    quoted = take_quoted(rest, "schedule")
    if isinstance(quoted, UsageError):
        return quoted
    repeating = _repeating_schedule(rest, quoted)
    if repeating is not None:
        return repeating
    try:
        if quoted is not None:
            raw_topic, after = quoted
            when_text, duration = split_when_and_duration(after)
            if (
                duration is None
                and (ranged := split_range(when_text)) is not None
                and looks_like_when(ranged.text)
            ):
                when_text, duration = ranged.text, ranged.minutes
        else:
            body, duration = split_when_and_duration(rest)
            split = None if looks_like_when(body) else _split_topic_and_when(body)
            if duration is None and (ranged_split := _split_range(body)) is not None:
                split, duration = ranged_split
            if split is None:
                message = (
                    "Add a topic before the time."
                    if looks_like_when(body)
                    else "I couldn't find when the meeting should be."
                )
                return UsageError.for_subcommand("schedule", message)
            raw_topic, when_text = split
    except WhenError as error:
        return UsageError.for_subcommand("schedule", error.message)
    if not when_text or not looks_like_when(when_text):
        return UsageError.for_subcommand("schedule", "I couldn't read when the meeting should be.")
    topic = topic_from(raw_topic, "schedule")
    if isinstance(topic, UsageError):
        return topic
    if not topic:
        return UsageError.for_subcommand("schedule", "Give the meeting a topic.")
    return Schedule(topic, when_text, duration)


def _repeating_schedule(rest: str, quoted: tuple[str, str] | None) -> Command | UsageError | None:
    """``<topic> every weekday 9am …``; None when no word after the topic starts a recurrence."""
    lead_clock: tuple[str, time] | None = None  # '"Standup" at 10am every monday'
    if quoted is not None:
        raw_topic, after = quoted
        starts = recurrence_starts(after)
        if starts and starts[0] > 0 and (clock := parse_clock(after[: starts[0]])) is not None:
            lead_clock, after = (after[: starts[0]].strip(), clock), after[starts[0] :]
        splits = [(raw_topic, after, True)] if recurrence_starts(after)[:1] == [0] else []
        splits += [(raw_topic, after, False)] if soft_starts(after)[:1] == [0] else []
    else:
        # "every" always starts a rule; "daily", "mondays"… only when the whole rule reads
        # ("Daily standup tomorrow 9am" stays a one-off).
        strong = [(rest[:at].strip(), rest[at:], True) for at in recurrence_starts(rest)]
        soft = [(rest[:at].strip(), rest[at:], False) for at in soft_starts(rest)]
        splits = sorted(strong + soft, key=lambda split: len(split[0]))
    if not splits:
        return None
    failure: RecurrenceError | None = None
    for raw_topic, when_text, is_strong in splits:
        # A quoted topic is the user's own words: a clock is taken only from outside the quotes.
        # Unquoted, a clock that ends the topic may be the rule's ("Standup at 10am every monday");
        # if the rule then doesn't read, the words stay in the topic ("Q4 2026 every monday 9am").
        readings: list[tuple[str, str, time | None]] = [(raw_topic, *lead_clock)] if lead_clock else []
        if not lead_clock and quoted is None and (taken := take_trailing_clock(raw_topic))[2] is not None:
            readings.append(taken)
        readings.append((raw_topic, "", None))
        for topic_words, clock_words, clock in readings:
            try:
                repeat = read_recurrence(when_text, clock)
            except RecurrenceError as error:
                if is_strong:
                    failure = failure or error
                continue
            raw_topic, rule_clock_words = topic_words, clock_words
            break
        else:
            continue
        topic = topic_from(raw_topic, "schedule")
        if isinstance(topic, UsageError):
            return topic
        if not topic:
            example = f'/zoom schedule "Standup" {when_text}'
            return UsageError(
                "schedule", "Give the meeting a topic before `every`.", USAGE["schedule"].syntax, example
            )
        return Schedule(topic, f"{rule_clock_words} {when_text}".strip(), repeat.duration, repeat=repeat)
    if failure is None:
        return None  # only soft starts, none of which read: a one-off meeting
    message = failure.message
    if quoted is None and splits[0][0]:
        message += " (If `every` is part of the topic, put the topic in quotes.)"
    return UsageError(
        "schedule", message, USAGE["schedule"].syntax, f'/zoom schedule "Standup" {failure.example}'
    )
