"""How each `/zoom` subcommand is written: usage lines, examples, the grammar's error and the help text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.slack.hints.redact import quote_external
from bot.slack.mrkdwn import escape, truncate


@dataclass(frozen=True)
class Usage:
    syntax: str  # the usage line, e.g. "/zoom show <meeting-id>"
    example: str  # a complete command that works
    summary: str  # what it does, one line
    account_only: bool = False  # needs account mode (ZOOM_ACCOUNT_ID)


USAGE: dict[str, Usage] = {
    "help": Usage("/zoom help", "/zoom help", "this help"),
    "link": Usage("/zoom link", "/zoom link", "link your Zoom account"),
    "unlink": Usage("/zoom unlink", "/zoom unlink", "unlink it (revokes zoombot's access)"),
    "me": Usage("/zoom me", "/zoom me", "your linked Zoom user"),
    "new": Usage("/zoom new [topic]", '/zoom new "Quick sync"', "start a meeting now and post a Join button"),
    "schedule": Usage(
        "/zoom schedule <topic> <when | every <days> <time>> [for <duration>] [host @person]",
        '/zoom schedule "Design review" tomorrow 3pm for 45m',
        "schedule a meeting (no arguments opens a form): `tomorrow 3pm`, `friday 9 to 11am`, "
        "`Dec 15th at half past 3`, `the 3rd at 9am`, `in a couple of hours`, `for an hour and a half`; "
        "or a series: `weekdays at 9am`, `mondays and thursdays at 2pm`, `every other week on tue 10am`, "
        "`the first friday of every month at 4pm` (60 times, or end with `until <date>` / `10x`); "
        "`host` schedules for someone who gave you scheduling privilege in Zoom",
    ),
    "list": Usage(
        "/zoom list [today|tomorrow|week] [host @person]",
        "/zoom list today",
        "your upcoming meetings (or, with `host`, theirs)",
    ),
    "schedulers": Usage(
        "/zoom schedulers", "/zoom schedulers", "whom you can schedule for (their Zoom scheduling privilege)"
    ),
    "show": Usage("/zoom show <meeting-id>", "/zoom show 812 3456 7890", "one meeting's details"),
    "join": Usage(
        "/zoom join <meeting-id> | /zoom join me",
        "/zoom join 812 3456 7890",
        "post a Join button for a meeting, or for your personal room (`me`)",
    ),
    "move": Usage(
        "/zoom move <meeting-id> <when>",
        "/zoom move 812 3456 7890 fri 10am",
        "reschedule a meeting (a series: its next occurrence; `every …` gives the whole series a new rule)",
    ),
    "cancel": Usage(
        "/zoom cancel <meeting-id>",
        "/zoom cancel 812 3456 7890",
        "delete a meeting (asks first; for a series: its next occurrence or all of them)",
    ),
    "remind": Usage(
        "/zoom remind <meeting-id> [<N>m] [#channel]",
        "/zoom remind 812 3456 7890 15m #team",
        "post a reminder N minutes (default 10) before the start (a series: before each occurrence)",
    ),
    "reminders": Usage(
        "/zoom reminders | /zoom reminders cancel <id>",
        "/zoom reminders cancel 12",
        "list or cancel your reminders",
    ),
    "digest": Usage(
        "/zoom digest on [HH:MM] | /zoom digest off",
        "/zoom digest on 08:30",
        "a DM each weekday morning with the day's meetings",
    ),
    "report": Usage(
        "/zoom report <meeting-id>",
        "/zoom report 812 3456 7890",
        "who attended one of your past meetings, how many, and for how long",
    ),
    "attendance": Usage(
        "/zoom attendance on|off",
        "/zoom attendance off",
        "in this channel, after each meeting whose Join card is here, post who attended (names, how many, "
        "how long) in the card's thread — on unless turned off; anyone in the channel may switch it, "
        "and the channel is told who did",
    ),
    "recordings": Usage(
        "/zoom recordings [<days>] | /zoom recordings trash",
        "/zoom recordings 14",
        "cloud recordings of the last N days, each with *Move to trash*; `trash` lists the trash, "
        "each with *Recover*",
    ),
    "status": Usage(
        "/zoom status on|off|show",
        "/zoom status on",
        'your Slack status says "In a Zoom meeting" while you\'re in one (`on` asks Slack for your consent)',
    ),
    "users": Usage("/zoom users", "/zoom users", "list the Zoom account's users (admins)", account_only=True),
    "user": Usage(
        "/zoom user <email> | /zoom user create <email> [basic|licensed] | "
        "/zoom user deactivate|activate <email>",
        "/zoom user create ada@example.com licensed",
        "one Zoom user's details; add a user (Zoom e-mails the invitation), or deactivate or "
        "activate one, each after a confirm button (admins)",
        account_only=True,
    ),
    "usage": Usage(
        "/zoom usage [7d|30d|<month>]",
        "/zoom usage last month",
        "the Zoom account's daily usage, against the period before (admins)",
        account_only=True,
    ),
    "live": Usage(
        "/zoom live", "/zoom live", "meetings in progress now, account-wide (admins)", account_only=True
    ),
    "audit": Usage(
        "/zoom audit [N]",
        "/zoom audit 50",
        "the last N (default 20, up to 100) user changes and recording trash/recover done from Slack, "
        "who did them and how they ended (admins)",
        account_only=True,
    ),
}


class UsageError(Exception):
    """A `/zoom` command we could not read; returned (not raised) by the grammar."""

    def __init__(self, subcommand: str, message: str, usage: str, example: str) -> None:
        super().__init__(message)
        self.subcommand = subcommand
        self.message = message
        self.usage = usage
        self.example = example

    @classmethod
    def for_subcommand(cls, subcommand: str, message: str) -> UsageError:
        entry = USAGE[subcommand]
        return cls(subcommand, message, entry.syntax, entry.example)

    @classmethod
    def unknown(cls, word: str) -> UsageError:
        shown = truncate(word, 30)
        close = difflib.get_close_matches(word.lower(), USAGE, n=1, cutoff=0.6)
        if close:
            entry = USAGE[close[0]]
            message = f"I don't know `/zoom {shown}`. Did you mean `/zoom {close[0]}`?"
            return cls(word, message, entry.syntax, entry.example)
        return cls(word, f"I don't know `/zoom {shown}`.", "/zoom <command> — see /zoom help", "/zoom help")

    def _key(self) -> tuple[str, str, str, str]:
        return (self.subcommand, self.message, self.usage, self.example)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UsageError) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"UsageError(subcommand={self.subcommand!r}, message={self.message!r})"


def usage_fix(syntax: str, example: str) -> str:
    return f"Usage: `{escape(syntax)}`\nExample: `{escape(example)}`"


@dataclass(frozen=True)
class LinkStatus:
    """What the help text and Home tab say about the caller's Zoom connection."""

    linked: bool
    zoom_email: str | None = None
    account_mode: bool = False


def link_status_line(status: LinkStatus) -> str:
    if status.account_mode:
        who = f" as `{quote_external(status.zoom_email, 200)}`" if status.zoom_email else ""
        return f":white_check_mark: zoombot acts through your organisation's Zoom account{who}."
    if status.linked:
        who = f" as `{quote_external(status.zoom_email, 200)}`" if status.zoom_email else ""
        return f":white_check_mark: Your Zoom account is linked{who}."
    return ":link: Your Zoom account isn't linked yet — run `/zoom link` to start."


def usage_lines(*, account_mode: bool) -> list[str]:
    """One mrkdwn line per command that exists in this mode."""
    return [
        f"`{escape(entry.syntax)}` — {escape(entry.summary)}"
        for entry in USAGE.values()
        if account_mode or not entry.account_only
    ]


SHORTCUTS_LINE = (
    "*Shortcuts*: *Schedule a Zoom meeting* (the composer's shortcuts menu) opens the schedule form; "
    "on any message, More actions → *Zoom meeting about this* starts a meeting named after it, "
    "its Join card in the message's thread.\n"
    "*Schedule form*: *Repeats* (every weekday, every week or 2 weeks on that day, every month) "
    "makes one Zoom series from the chosen date; *Host* schedules for someone who gave you "
    "scheduling privilege (`/zoom schedulers`).\n"
    "*Workflow Builder*: the step *Create a Zoom meeting* (topic, start, duration, host) creates "
    "the meeting with the host's Zoom and passes on its join link, meeting ID and start time."
)


def help_text(link_status: LinkStatus) -> str:
    lines = [link_status_line(link_status), "", "*Commands*"]
    lines += usage_lines(account_mode=link_status.account_mode)
    lines += ["", SHORTCUTS_LINE]
    lines += ["", "Times are read in your Slack time zone. Meeting ids may have spaces: `812 3456 7890`."]
    return "\n".join(lines)
