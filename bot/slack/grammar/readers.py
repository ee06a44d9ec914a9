"""One reader per `/zoom` subcommand: the text after its name in, a typed command or a usage error out.

`schedule`'s reader has a module of its own (``schedule.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.services.when import (
    RecurrenceError,
    duration_minutes,
    looks_like_when,
    parse_clock,
    read_recurrence,
    recurrence_starts,
)
from bot.services.when.series_words import soft_starts
from bot.slack.grammar.commands import (
    DEFAULT_REMIND_MINUTES,
    AttendanceSwitch,
    CancelMeeting,
    CancelReminder,
    ChannelRef,
    Command,
    DigestOff,
    DigestOn,
    Help,
    JoinMeeting,
    JoinPersonalRoom,
    ListMeetings,
    ListReminders,
    MeetingReport,
    MoveMeeting,
    NewMeeting,
    Recordings,
    RecordingsTrash,
    Remind,
    ShowMeeting,
    StatusSyncCommand,
)
from bot.slack.grammar.words import (
    channel_ref,
    take_host,
    take_meeting_id,
    take_quoted,
    topic_from,
)
from bot.slack.hints import USAGE, UsageError

MAX_RECORDING_DAYS = 30  # one Zoom recordings call covers at most a month
MAX_REMIND_MINUTES = 1440


Reader = Callable[[str], Command | UsageError]


def no_args(make: Callable[[], Command], subcommand: str) -> Reader:
    """The reader of a subcommand that takes nothing after its name."""

    def read(rest: str) -> Command | UsageError:
        if rest:
            return UsageError.for_subcommand(subcommand, f"`/zoom {subcommand}` takes no arguments.")
        return make()

    return read


def read_help(rest: str) -> Command | UsageError:
    word = rest.lower().split()[0] if rest else None
    return Help(word if word in USAGE else None)


def read_new(rest: str) -> Command | UsageError:
    quoted = take_quoted(rest, "new")
    if isinstance(quoted, UsageError):
        return quoted
    raw = rest
    if quoted is not None:
        raw, after = quoted
        if after:
            return UsageError.for_subcommand("new", "Put the whole topic inside the quotes.")
    topic = topic_from(raw, "new")
    if isinstance(topic, UsageError):
        return topic
    return NewMeeting(topic or None)


def read_list(rest: str) -> Command | UsageError:
    hosted = take_host(rest, "list")
    if isinstance(hosted, UsageError):
        return hosted
    rest, host = hosted
    period = rest.lower() or "week"
    if period == "today":
        return ListMeetings("today", host)
    if period == "tomorrow":
        return ListMeetings("tomorrow", host)
    if period == "week":
        return ListMeetings("week", host)
    return UsageError.for_subcommand("list", "List `today`, `tomorrow` or `week` (the default).")


def _meeting_id_only(
    rest: str, subcommand: str, make: Callable[[int], Command], extra: str = "Only the meeting id, please."
) -> Command | UsageError:
    """`show`, `join` and `cancel`: a meeting id and nothing after it."""
    taken = take_meeting_id(rest, subcommand)
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    if after:
        return UsageError.for_subcommand(subcommand, extra)
    return make(meeting_id)


def read_show(rest: str) -> Command | UsageError:
    return _meeting_id_only(rest, "show", ShowMeeting)


def read_report(rest: str) -> Command | UsageError:
    return _meeting_id_only(rest, "report", MeetingReport)


def read_join(rest: str) -> Command | UsageError:
    if rest.lower() == "me":
        return JoinPersonalRoom()
    return _meeting_id_only(rest, "join", JoinMeeting, "Only the meeting id (or `me`), please.")


def read_cancel(rest: str) -> Command | UsageError:
    return _meeting_id_only(rest, "cancel", CancelMeeting)


def read_move(rest: str) -> Command | UsageError:
    taken = take_meeting_id(rest, "move")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    when_text = " ".join(after)
    if not when_text:
        return UsageError.for_subcommand("move", "Say when to move it to.")
    rule_text, clock = when_text, None
    if (starts := recurrence_starts(when_text)) and starts[0] > 0:
        # "at 10am every monday": the time of day before the rule
        clock = parse_clock(when_text[: starts[0]])
        rule_text = when_text[starts[0] :] if clock is not None else when_text
    if recurrence_starts(rule_text)[:1] == [0]:
        try:
            return MoveMeeting(meeting_id, when_text, read_recurrence(rule_text, clock))
        except RecurrenceError as error:
            example = f"/zoom move 812 3456 7890 {error.example}"
            return UsageError("move", error.message, USAGE["move"].syntax, example)
    if soft_starts(when_text)[:1] == [0]:
        try:  # "weekdays at 10am"; a rule that doesn't read may still be a time
            return MoveMeeting(meeting_id, when_text, read_recurrence(when_text))
        except RecurrenceError:
            pass
    if not looks_like_when(when_text):
        return UsageError.for_subcommand("move", "I couldn't read the new time.")
    return MoveMeeting(meeting_id, when_text)


def read_remind(rest: str) -> Command | UsageError:
    taken = take_meeting_id(rest, "remind")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    channel: ChannelRef | None = None
    lead_words: list[str] = []
    for word in after:
        found = channel_ref(word)
        if found is None:
            lead_words.append(word)
        elif channel is not None:
            return UsageError.for_subcommand("remind", "Name one channel only.")
        else:
            channel = found
    minutes = DEFAULT_REMIND_MINUTES
    if lead_words:
        parsed = duration_minutes(" ".join(lead_words))
        if parsed is None:
            return UsageError.for_subcommand("remind", "Say how long before the start, like `15m`.")
        if not 1 <= parsed <= MAX_REMIND_MINUTES:
            return UsageError.for_subcommand(
                "remind", "A reminder can be 1 to 1440 minutes before the start."
            )
        minutes = parsed
    return Remind(meeting_id, minutes, channel)


def read_reminders(rest: str) -> Command | UsageError:
    words = rest.split()
    if not words:
        return ListReminders()
    if words[0].lower() != "cancel":
        return UsageError.for_subcommand(
            "reminders", "Use `/zoom reminders` or `/zoom reminders cancel <id>`."
        )
    if len(words) != 2 or not words[1].isascii() or not words[1].isdigit() or len(words[1]) > 18:
        return UsageError.for_subcommand("reminders", "Give the reminder's number from `/zoom reminders`.")
    return CancelReminder(int(words[1]))


def read_digest(rest: str) -> Command | UsageError:
    words = rest.lower().split()
    if words == ["off"]:
        return DigestOff()
    if words[:1] == ["on"]:
        if len(words) == 1:
            return DigestOn()
        at = parse_clock(" ".join(words[1:]))
        if at is None:
            return UsageError.for_subcommand("digest", "Give the time as HH:MM, like `08:30`.")
        return DigestOn(at)
    return UsageError.for_subcommand("digest", "Say `on` or `off`.")


def read_attendance(rest: str) -> Command | UsageError:
    words = rest.lower().split()
    if not words:
        return AttendanceSwitch(None)
    if words in (["on"], ["off"]):
        return AttendanceSwitch(words[0] == "on")
    return UsageError.for_subcommand("attendance", "Say `on` or `off`.")


def read_recordings(rest: str) -> Command | UsageError:
    if not rest:
        return Recordings()
    if rest.lower() in ("trash", "bin", "deleted"):
        return RecordingsTrash()
    match = re.fullmatch(r"([0-9]{1,4})\s*(?:d|day|days)?", rest.lower())
    if match is None:
        return UsageError.for_subcommand("recordings", "Give a number of days, like `14`, or `trash`.")
    days = int(match.group(1))
    if not 1 <= days <= MAX_RECORDING_DAYS:
        return UsageError.for_subcommand("recordings", f"Pick between 1 and {MAX_RECORDING_DAYS} days.")
    return Recordings(days)


def read_status(rest: str) -> Command | UsageError:
    words = rest.lower().split()
    if not words:
        return StatusSyncCommand("show")
    if len(words) == 1 and words[0] in ("on", "off", "show"):
        return StatusSyncCommand(words[0])  # type: ignore[arg-type]
    return UsageError.for_subcommand("status", "Say `on`, `off` or `show`.")
