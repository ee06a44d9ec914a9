"""The `/zoom` command line: text in, a typed command (or a usage error) out.

:func:`parse_command` never raises: anything it cannot read becomes a
:class:`~bot.slack.hints.UsageError` carrying the usage line and an example for the
subcommand (from the same table the help text uses). It does no I/O and knows nothing
about the clock: times stay text (``when_text``) until the handler, who knows the
caller's zone, hands them to :func:`bot.slack.when.parse_when`.

Slack delivers the text with ``&``, ``<``, ``>`` escaped and with channels, users and
e-mails as ``<#C123|general>``, ``<@U123>``, ``<mailto:a@b.c|a@b.c>``; topics are turned
back into the plain words the user typed before they go to Zoom.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import time
from typing import Literal

from bot.slack.hints import USAGE, UsageError
from bot.slack.recurrence import RecurrenceError, Repeat, read_recurrence, recurrence_starts
from bot.slack.when import WhenError, duration_minutes, looks_like_when, parse_clock, split_when_and_duration

log = logging.getLogger(__name__)

MAX_TOPIC = 200  # Zoom's limit
DEFAULT_REMIND_MINUTES = 10
DEFAULT_DIGEST_AT = time(8, 30)
DEFAULT_RECORDING_DAYS = 7
MAX_RECORDING_DAYS = 30  # one Zoom recordings call covers at most a month
MAX_REMIND_MINUTES = 1440

Period = Literal["today", "tomorrow", "week"]


# --- commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    subcommand: str | None = None  # `/zoom help schedule` → "schedule"


@dataclass(frozen=True)
class Link:
    pass


@dataclass(frozen=True)
class Unlink:
    pass


@dataclass(frozen=True)
class Me:
    pass


@dataclass(frozen=True)
class NewMeeting:
    topic: str | None


@dataclass(frozen=True)
class HostRef:
    """Whom `host …` names: a Slack mention (``<@U123|dana>``) or an e-mail address."""

    label: str  # as the user typed it: "@dana", "dana@corp.com"
    slack_user_id: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Schedule:
    topic: str
    when_text: str
    duration_minutes: int | None  # None: let the handler pick the default
    host: HostRef | None = None  # scheduling for someone else (their scheduling privilege)
    repeat: Repeat | None = None  # `every weekday 9am`: a recurring series (when_text is its text)


@dataclass(frozen=True)
class OpenScheduleModal:
    pass


@dataclass(frozen=True)
class ListMeetings:
    period: Period = "week"
    host: HostRef | None = None


@dataclass(frozen=True)
class ListSchedulers:
    pass


@dataclass(frozen=True)
class ShowMeeting:
    meeting_id: int


@dataclass(frozen=True)
class JoinMeeting:
    meeting_id: int


@dataclass(frozen=True)
class JoinPersonalRoom:
    """`/zoom join me`: the caller's Personal Meeting ID room."""


@dataclass(frozen=True)
class MoveMeeting:
    meeting_id: int
    when_text: str
    repeat: Repeat | None = None  # `every weekday 10am`: the whole series gets this rule


@dataclass(frozen=True)
class CancelMeeting:
    meeting_id: int


@dataclass(frozen=True)
class ChannelRef:
    """A channel as typed: Slack's ``<#C123|general>`` gives the id, a bare ``#general`` only the name."""

    id: str | None
    name: str | None


@dataclass(frozen=True)
class Remind:
    meeting_id: int
    minutes_before: int = DEFAULT_REMIND_MINUTES
    channel: ChannelRef | None = None  # None: the channel the command was typed in


@dataclass(frozen=True)
class ListReminders:
    pass


@dataclass(frozen=True)
class CancelReminder:
    reminder_id: int


@dataclass(frozen=True)
class DigestOn:
    at: time = DEFAULT_DIGEST_AT


@dataclass(frozen=True)
class DigestOff:
    pass


@dataclass(frozen=True)
class Recordings:
    days: int = DEFAULT_RECORDING_DAYS


@dataclass(frozen=True)
class ListUsers:
    pass


@dataclass(frozen=True)
class ShowUser:
    email: str


Command = (
    Help | Link | Unlink | Me | NewMeeting | Schedule | OpenScheduleModal | ListMeetings | ShowMeeting
    | JoinMeeting | JoinPersonalRoom | MoveMeeting | CancelMeeting | Remind | ListReminders | CancelReminder
    | DigestOn | DigestOff | Recordings | ListUsers | ShowUser | ListSchedulers
)  # fmt: skip


# --- text clean-up ----------------------------------------------------------------------

# Bidi marks, zero-width characters and C0/C1 controls carry no meaning in a command.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_CHANNEL_TOKEN = re.compile(r"<#([CGD][A-Z0-9]{1,30})(?:\|([^>]*))?>")
_CHANNEL_NAME = re.compile(r"#([a-z0-9][a-z0-9_\-]{0,79})")
_SPECIAL_TOKEN = re.compile(r"<([@#!])([^|>]*)(?:\|([^>]*))?>")
_LINK_TOKEN = re.compile(r"<((?:mailto:|https?://)[^|>]*)(?:\|([^>]*))?>")


def _clean(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain_words(text: str) -> str:
    """Slack markup back to what the user typed: ``<@U1|ada>`` → ``@ada``, ``&amp;`` → ``&``."""

    def special(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return "@" + (label or target.split("^")[0])
        return sigil + (label or target)

    def linked(match: re.Match[str]) -> str:
        target, label = match.groups()
        return label or target.removeprefix("mailto:")

    return _unescape(_LINK_TOKEN.sub(linked, _SPECIAL_TOKEN.sub(special, text))).strip()


_QUOTE_PAIRS = {'"': '"”', "“": '”"', "„": '“”"', "'": "'’", "‘": "’'", "«": "»", "「": "」"}


def _take_quoted(rest: str, subcommand: str) -> tuple[str, str] | UsageError | None:
    """A leading quoted topic: (topic, what follows); None if ``rest`` doesn't start with a quote."""
    if not rest or rest[0] not in _QUOTE_PAIRS:
        return None
    closers = _QUOTE_PAIRS[rest[0]]
    # A closing quote ends the topic only before a space or the end: "Bob’s 1:1" keeps its apostrophe.
    end = next(
        (i for i in range(1, len(rest)) if rest[i] in closers and (i + 1 == len(rest) or rest[i + 1] == " ")),
        -1,
    )
    if end == -1:
        return UsageError.for_subcommand(subcommand, "The topic's closing quote is missing.")
    return rest[1:end].strip(), rest[end + 1 :].strip()


def _topic(raw: str, subcommand: str) -> str | UsageError:
    topic = _plain_words(raw)
    if len(topic) > MAX_TOPIC:
        return UsageError.for_subcommand(
            subcommand, f"The topic is too long (Zoom allows {MAX_TOPIC} characters)."
        )
    return topic


# --- meeting ids ------------------------------------------------------------------------

_ID_PIECE = re.compile(r"[0-9][0-9\-]*")
_JOIN_LINK = re.compile(r"<https?://[^/|>]*zoom\.us/[jsw]/([0-9]{9,11})[^>]*>")


def _take_meeting_id(rest: str, subcommand: str) -> tuple[int, list[str]] | UsageError:
    """The meeting id at the start of ``rest`` (``812 3456 7890``, ``812-3456-7890`` or a join
    link) and the words after it."""
    words = rest.split()
    if words and (link := _JOIN_LINK.fullmatch(words[0])) is not None:
        return int(link.group(1)), words[1:]
    best: tuple[int, int] | None = None  # (id, words used): the longest run of 9–11 digits
    digits = ""
    for used, word in enumerate(words, start=1):
        if not _ID_PIECE.fullmatch(word):
            break
        digits += word.replace("-", "")
        if len(digits) > 11:
            break
        if len(digits) >= 9:
            best = (int(digits), used)
    if best is None:
        message = (
            "Give the meeting id (9 to 11 digits)." if not words else "That meeting id doesn't look right."
        )
        return UsageError.for_subcommand(subcommand, message + " `/zoom list` shows your meetings' ids.")
    return best[0], words[best[1] :]


# --- one function per subcommand ---------------------------------------------------------


def _no_args(command: Command, subcommand: str, rest: str) -> Command | UsageError:
    if rest:
        return UsageError.for_subcommand(subcommand, f"`/zoom {subcommand}` takes no arguments.")
    return command


def _help(rest: str) -> Command | UsageError:
    word = rest.lower().split()[0] if rest else None
    return Help(word if word in USAGE else None)


def _new(rest: str) -> Command | UsageError:
    quoted = _take_quoted(rest, "new")
    if isinstance(quoted, UsageError):
        return quoted
    raw = rest
    if quoted is not None:
        raw, after = quoted
        if after:
            return UsageError.for_subcommand("new", "Put the whole topic inside the quotes.")
    topic = _topic(raw, "new")
    if isinstance(topic, UsageError):
        return topic
    return NewMeeting(topic or None)


# --- `host @dana` -----------------------------------------------------------------------

HOST_WORD = "host"
_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,30})(?:\|([^>]*))?>")
_MAILTO = re.compile(r"<mailto:([^|>]*)(?:\|[^>]*)?>")


def _looks_like_host(word: str) -> bool:
    return word.startswith(("<@", "<mailto:", "@")) or _EMAIL.fullmatch(_plain_words(word)) is not None


_HOST_EXAMPLES = {
    "schedule": '/zoom schedule "Board sync" tomorrow 3pm for 45m host @dana',
    "list": "/zoom list host @dana",
}


def _host_usage(subcommand: str, message: str) -> UsageError:
    return UsageError(subcommand, message, USAGE[subcommand].syntax, _HOST_EXAMPLES[subcommand])


def _take_host(rest: str, subcommand: str) -> tuple[str, HostRef | None] | UsageError:
    """A trailing ``host <@U1|dana>`` / ``host dana@corp.com``: (the text before it, whom it names).

    Only the last two words can be a host clause, and only when the second looks like a
    person, so a topic such as "Meet the host" stays a topic.
    """
    words = rest.split()
    if words and words[-1].lower() == HOST_WORD:
        return _host_usage(
            subcommand, "Say who the host is after `host`: mention them (`@dana`) or give their e-mail."
        )
    if len(words) < 2 or words[-2].lower() != HOST_WORD or not _looks_like_host(words[-1]):
        return rest, None
    target, before = words[-1], " ".join(words[:-2])
    if (mention := _MENTION.fullmatch(target)) is not None:
        user_id, name = mention.groups()
        return before, HostRef(f"@{name or user_id}", slack_user_id=user_id)
    email = _MAILTO.fullmatch(target)
    address = email.group(1) if email is not None else _plain_words(target)
    if _EMAIL.fullmatch(address) is not None:
        return before, HostRef(address, email=address)
    shown = _plain_words(target).replace("`", "'")[:80]
    return _host_usage(
        subcommand,
        f"I can't tell who `{shown}` is. Pick the person from Slack's list as you type `@` so it "
        "becomes a mention, or give their e-mail address.",
    )


def _split_topic_and_when(text: str) -> tuple[str, str] | None:
    """Unquoted ``Design review tomorrow 3pm``: the longest tail that reads as a time."""
    words = text.split()
    for start in range(max(1, len(words) - 8), len(words)):
        tail = " ".join(words[start:])
        if looks_like_when(tail):
            return " ".join(words[:start]), tail
    return None


def _schedule(rest: str) -> Command | UsageError:
    if not rest:
        return OpenScheduleModal()
    hosted = _take_host(rest, "schedule")
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
    quoted = _take_quoted(rest, "schedule")
    if isinstance(quoted, UsageError):
        return quoted
    repeating = _repeating_schedule(rest, quoted)
    if repeating is not None:
        return repeating
    try:
        if quoted is not None:
            raw_topic, after = quoted
            when_text, duration = split_when_and_duration(after)
        else:
            body, duration = split_when_and_duration(rest)
            split = None if looks_like_when(body) else _split_topic_and_when(body)
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
    topic = _topic(raw_topic, "schedule")
    if isinstance(topic, UsageError):
        return topic
    if not topic:
        return UsageError.for_subcommand("schedule", "Give the meeting a topic.")
    return Schedule(topic, when_text, duration)


def _repeating_schedule(rest: str, quoted: tuple[str, str] | None) -> Command | UsageError | None:
    """``<topic> every weekday 9am …``; None when no word after the topic starts a recurrence."""
    if quoted is not None:
        raw_topic, after = quoted
        splits = [(raw_topic, after)] if recurrence_starts(after)[:1] == [0] else []
    else:
        splits = [(rest[:at].strip(), rest[at:]) for at in recurrence_starts(rest)]
    if not splits:
        return None
    failure: RecurrenceError | None = None
    for raw_topic, when_text in splits:
        try:
            repeat = read_recurrence(when_text)
        except RecurrenceError as error:
            failure = failure or error
            continue
        topic = _topic(raw_topic, "schedule")
        if isinstance(topic, UsageError):
            return topic
        if not topic:
            example = f'/zoom schedule "Standup" {when_text}'
            return UsageError(
                "schedule", "Give the meeting a topic before `every`.", USAGE["schedule"].syntax, example
            )
        return Schedule(topic, when_text, repeat.duration, repeat=repeat)
    assert failure is not None
    message = failure.message
    if quoted is None and splits[0][0]:
        message += " (If `every` is part of the topic, put the topic in quotes.)"
    return UsageError(
        "schedule", message, USAGE["schedule"].syntax, f'/zoom schedule "Standup" {failure.example}'
    )


def _list(rest: str) -> Command | UsageError:
    hosted = _take_host(rest, "list")
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


def _show(rest: str) -> Command | UsageError:
    taken = _take_meeting_id(rest, "show")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    if after:
        return UsageError.for_subcommand("show", "Only the meeting id, please.")
    return ShowMeeting(meeting_id)


def _join(rest: str) -> Command | UsageError:
    if rest.lower() == "me":
        return JoinPersonalRoom()
    taken = _take_meeting_id(rest, "join")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    if after:
        return UsageError.for_subcommand("join", "Only the meeting id (or `me`), please.")
    return JoinMeeting(meeting_id)


def _cancel(rest: str) -> Command | UsageError:
    taken = _take_meeting_id(rest, "cancel")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    if after:
        return UsageError.for_subcommand("cancel", "Only the meeting id, please.")
    return CancelMeeting(meeting_id)


def _move(rest: str) -> Command | UsageError:
    taken = _take_meeting_id(rest, "move")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    when_text = " ".join(after)
    if not when_text:
        return UsageError.for_subcommand("move", "Say when to move it to.")
    if recurrence_starts(when_text)[:1] == [0]:
        try:
            return MoveMeeting(meeting_id, when_text, read_recurrence(when_text))
        except RecurrenceError as error:
            example = f"/zoom move 812 3456 7890 {error.example}"
            return UsageError("move", error.message, USAGE["move"].syntax, example)
    if not looks_like_when(when_text):
        return UsageError.for_subcommand("move", "I couldn't read the new time.")
    return MoveMeeting(meeting_id, when_text)


def _channel(word: str) -> ChannelRef | None:
    if (token := _CHANNEL_TOKEN.fullmatch(word)) is not None:
        return ChannelRef(token.group(1), token.group(2) or None)
    if (name := _CHANNEL_NAME.fullmatch(word.lower())) is not None:
        return ChannelRef(None, name.group(1))
    return None


def _remind(rest: str) -> Command | UsageError:
    taken = _take_meeting_id(rest, "remind")
    if isinstance(taken, UsageError):
        return taken
    meeting_id, after = taken
    channel: ChannelRef | None = None
    lead_words: list[str] = []
    for word in after:
        found = _channel(word)
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


def _reminders(rest: str) -> Command | UsageError:
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


def _digest(rest: str) -> Command | UsageError:
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


def _recordings(rest: str) -> Command | UsageError:
    if not rest:
        return Recordings()
    match = re.fullmatch(r"([0-9]{1,4})\s*(?:d|day|days)?", rest.lower())
    if match is None:
        return UsageError.for_subcommand("recordings", "Give a number of days, like `14`.")
    days = int(match.group(1))
    if not 1 <= days <= MAX_RECORDING_DAYS:
        return UsageError.for_subcommand("recordings", f"Pick between 1 and {MAX_RECORDING_DAYS} days.")
    return Recordings(days)


_EMAIL = re.compile(r"[^@\s<>|\"]{1,64}@[^@\s<>|\"]{1,189}\.[^@\s<>|\".]{1,63}")


def _user(rest: str) -> Command | UsageError:
    email = _plain_words(rest)
    if not email:
        return UsageError.for_subcommand("user", "Give the user's e-mail address.")
    if _EMAIL.fullmatch(email) is None:
        return UsageError.for_subcommand("user", "That doesn't look like an e-mail address.")
    return ShowUser(email)


_ALIASES = {"?": "help", "connect": "link", "disconnect": "unlink", "logout": "unlink", "start": "new",
            "delete": "cancel", "reschedule": "move", "info": "show", "ls": "list"}  # fmt: skip


def _dispatch(subcommand: str, rest: str) -> Command | UsageError:
    if subcommand == "help":
        return _help(rest)
    if subcommand == "link":
        return _no_args(Link(), subcommand, rest)
    if subcommand == "unlink":
        return _no_args(Unlink(), subcommand, rest)
    if subcommand == "me":
        return _no_args(Me(), subcommand, rest)
    if subcommand == "new":
        return _new(rest)
    if subcommand == "schedule":
        return _schedule(rest)
    if subcommand == "list":
        return _list(rest)
    if subcommand == "show":
        return _show(rest)
    if subcommand == "join":
        return _join(rest)
    if subcommand == "move":
        return _move(rest)
    if subcommand == "cancel":
        return _cancel(rest)
    if subcommand == "remind":
        return _remind(rest)
    if subcommand == "reminders":
        return _reminders(rest)
    if subcommand == "digest":
        return _digest(rest)
    if subcommand == "recordings":
        return _recordings(rest)
    if subcommand == "users":
        return _no_args(ListUsers(), subcommand, rest)
    if subcommand == "user":
        return _user(rest)
    if subcommand == "schedulers":
        return _no_args(ListSchedulers(), subcommand, rest)
    return UsageError.unknown(_plain_words(subcommand))


def parse_command(text: str) -> Command | UsageError:
    """Read the text after `/zoom`. Never raises."""
    try:
        cleaned = _clean(text)
        if not cleaned:
            return Help()
        first, _, rest = cleaned.partition(" ")
        subcommand = first.lower()
        subcommand = _ALIASES.get(subcommand, subcommand)
        return _dispatch(subcommand, rest.strip())
    except Exception:  # a bug here must still give the user an answer, not silence
        log.exception("could not parse a /zoom command")
        return UsageError(
            "help", "I couldn't read that command.", USAGE["help"].syntax, USAGE["help"].example
        )
