"""The pieces `/zoom` arguments are made of, read one at a time.

Slack's markup undone, quoted topics, meeting ids, `host @dana`, channels and e-mail addresses."""

from __future__ import annotations

import re

from bot.slack.grammar.commands import ChannelRef, HostRef
from bot.slack.hints import USAGE, UsageError

MAX_TOPIC = 200  # Zoom's limit


# Bidi marks, zero-width characters and C0/C1 controls carry no meaning in a command.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_CHANNEL_TOKEN = re.compile(r"<#([CGD][A-Z0-9]{1,30})(?:\|([^>]*))?>")
_CHANNEL_NAME = re.compile(r"#([a-z0-9][a-z0-9_\-]{0,79})")
_SPECIAL_TOKEN = re.compile(r"<([@#!])([^|>]*)(?:\|([^>]*))?>")
_LINK_TOKEN = re.compile(r"<((?:mailto:|https?://)[^|>]*)(?:\|([^>]*))?>")


def clean(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_words(text: str) -> str:
    """Slack markup back to what the user typed: ``<@U1|ada>`` → ``@ada``, ``&amp;`` → ``&``."""

    def special(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return "@" + (label or target.split("^")[0])
        return sigil + (label or target)

    def linked(match: re.Match[str]) -> str:
        target, label = match.groups()
        return label or target.removeprefix("mailto:")

    return unescape(_LINK_TOKEN.sub(linked, _SPECIAL_TOKEN.sub(special, text))).strip()


_QUOTE_PAIRS = {'"': '"”', "“": '”"', "„": '“”"', "'": "'’", "‘": "’'", "«": "»", "「": "」"}


def take_quoted(rest: str, subcommand: str) -> tuple[str, str] | UsageError | None:
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


def topic_from(raw: str, subcommand: str) -> str | UsageError:
    topic = plain_words(raw)
    if len(topic) > MAX_TOPIC:
        return UsageError.for_subcommand(
            subcommand, f"The topic is too long (Zoom allows {MAX_TOPIC} characters)."
        )
    return topic


_FORMATTING = re.compile(r"[*_~`>]+")


def topic_of_message(text: str) -> str:
    """A meeting topic from a Slack message (the message shortcut): its first line with words in
    it, markup undone, cut to Zoom's 200 characters."""
    for line in unescape(text).splitlines():
        words = clean(_FORMATTING.sub(" ", plain_words(line)))
        if any(ch.isalnum() for ch in words):
            return words if len(words) <= MAX_TOPIC else words[: MAX_TOPIC - 1].rstrip() + "…"
    return "Meeting about a message"


_ID_PIECE = re.compile(r"[0-9][0-9\-]*")
_JOIN_LINK = re.compile(r"<https?://[^/|>]*zoom\.us/[jsw]/([0-9]{9,11})[^>]*>")


def take_meeting_id(rest: str, subcommand: str) -> tuple[int, list[str]] | UsageError:
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


# --- `host @dana` -----------------------------------------------------------------------

HOST_WORD = "host"
_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,30})(?:\|([^>]*))?>")
_MAILTO = re.compile(r"<mailto:([^|>]*)(?:\|[^>]*)?>")


def looks_like_host(word: str) -> bool:
    return word.startswith(("<@", "<mailto:", "@")) or EMAIL.fullmatch(plain_words(word)) is not None


_HOST_EXAMPLES = {
    "schedule": '/zoom schedule "Board sync" tomorrow 3pm for 45m host @dana',
    "list": "/zoom list host @dana",
}


def host_usage(subcommand: str, message: str) -> UsageError:
    return UsageError(subcommand, message, USAGE[subcommand].syntax, _HOST_EXAMPLES[subcommand])


def take_host(rest: str, subcommand: str) -> tuple[str, HostRef | None] | UsageError:
    """A trailing ``host <@U1|dana>`` / ``host dana@corp.com``: (the text before it, whom it names).

    Only the last two words can be a host clause, and only when the second looks like a
    person, so a topic such as "Meet the host" stays a topic.
    """
    words = rest.split()
    if words and words[-1].lower() == HOST_WORD:
        return host_usage(
            subcommand, "Say who the host is after `host`: mention them (`@dana`) or give their e-mail."
        )
    if len(words) < 2 or words[-2].lower() != HOST_WORD or not looks_like_host(words[-1]):
        return rest, None
    target, before = words[-1], " ".join(words[:-2])
    if (mention := _MENTION.fullmatch(target)) is not None:
        user_id, name = mention.groups()
        return before, HostRef(f"@{name or user_id}", slack_user_id=user_id)
    email = _MAILTO.fullmatch(target)
    address = email.group(1) if email is not None else plain_words(target)
    if EMAIL.fullmatch(address) is not None:
        return before, HostRef(address, email=address)
    shown = plain_words(target).replace("`", "'")[:80]
    return host_usage(
        subcommand,
        f"I can't tell who `{shown}` is. Pick the person from Slack's list as you type `@` so it "
        "becomes a mention, or give their e-mail address.",
    )


def channel_ref(word: str) -> ChannelRef | None:
    if (token := _CHANNEL_TOKEN.fullmatch(word)) is not None:
        return ChannelRef(token.group(1), token.group(2) or None)
    if (name := _CHANNEL_NAME.fullmatch(word.lower())) is not None:
        return ChannelRef(None, name.group(1))
    return None


EMAIL = re.compile(r"[^@\s<>|\"]{1,64}@[^@\s<>|\"]{1,189}\.[^@\s<>|\".]{1,63}")
