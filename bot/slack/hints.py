"""Every user-facing failure text, in one place.

A reply about a failure always says **what** failed in plain words, **why** (Zoom's
code and message, quoted, plus its tracking id — or, when zoombot itself refused, its own
rule in its own words), and **what to do** (the exact command, or the Zoom setting an
admin must change). :func:`hint_for` maps any exception to a
:class:`Hint`; the usage table (:data:`USAGE`) is shared with the command grammar and
the help text so the three never disagree.

Zoom's and users' words are escaped before they reach mrkdwn, and anything shaped like
a URL or a token is removed from them first: no start URL, token or response URL can
leak through a hint.
"""

from __future__ import annotations

import difflib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Literal

from bot.services.link_flow import LinkRefusal, LinkResult
from bot.services.people import HostLookupError, HostProblem
from bot.services.refusals import Refusal, RefusalKind
from bot.services.reminders import ReminderError
from bot.slack.capacity import Overloaded
from bot.slack.mrkdwn import date_token, escape, format_meeting_id, truncate
from bot.slack.when import WhenError
from bot.zoom.errors import NotLinkedError, Outcome, ZoomError, ZoomErrorKind

Mode = Literal["user", "account"]

SHARED_ACCESS_ARTICLE = "https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063819"
ZOOM_MESSAGE_LIMIT = 400  # characters of Zoom's message we quote


# --- usage ------------------------------------------------------------------------------


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
        "schedule a meeting (no arguments opens a form) or a series: `every weekday 9am`, "
        "`every mon,wed 10am`, `every 2 weeks on fri 3pm`, `every month on the 1st 9am` "
        "(60 times, or end with `until <date>` / `x10`); `host` schedules for someone who gave "
        "you scheduling privilege in Zoom",
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
    "recordings": Usage(
        "/zoom recordings [<days>]", "/zoom recordings 14", "cloud recordings of the last N days"
    ),
    "users": Usage("/zoom users", "/zoom users", "list the Zoom account's users (admins)", account_only=True),
    "user": Usage(
        "/zoom user <email>",
        "/zoom user ada@example.com",
        "one Zoom user's details (admins)",
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


# --- the hint ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    """A failure explained. ``title`` is plain text; the other fields are escaped mrkdwn."""

    title: str
    what: str
    why: str | None
    fix: str
    reference: str | None = None  # also logged by the caller, so support can find the log line

    def text(self) -> str:
        lines = [f":warning: *{escape(self.title)}*", self.what]
        if self.why:
            lines.append(f"*Why:* {self.why}")
        lines.append(f"*What to do:* {self.fix}")
        return "\n".join(lines)


def new_reference() -> str:
    """A short id to quote in a reply and log next to the details."""
    return "ERR-" + secrets.token_hex(4).upper()


_URL = re.compile(r"\b(?:https?|zoommtg|zoomus)://\S+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[\w-]*\.[\w-]*\.?[\w-]*")
_LONG_OPAQUE = re.compile(r"[A-Za-z0-9_\-+/=.]{32,}")


def _redact(text: str) -> str:
    """Strip anything that could be a credential from text we did not write."""
    text = _URL.sub("[link removed]", text)
    text = _JWT.sub("[token removed]", text)
    return _LONG_OPAQUE.sub("[removed]", text)


def quote_external(text: str, limit: int = ZOOM_MESSAGE_LIMIT, *, redact: bool = True) -> str:
    """Someone else's words, made safe for mrkdwn: redacted, escaped, shortened."""
    flat = " ".join(text.split())
    return escape(truncate(_redact(flat) if redact else flat, limit))


def _zoom_why(error: ZoomError) -> str:
    parts = []
    if error.status is not None:
        parts.append(f"HTTP {error.status}")
    if error.code is not None:
        parts.append(f"code {quote_external(str(error.code), 40)}")
    said = "Zoom answered " + ", ".join(parts) if parts else "Zoom gave no answer"
    if error.message:
        said += f": “{quote_external(error.message)}”"
    if error.tracking_id:
        said += f" (Zoom tracking id `{quote_external(error.tracking_id, 120, redact=False)}`)"
    return said


_SCOPE_LIST = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)


def _missing_scopes(error: ZoomError) -> tuple[str, ...]:
    if error.missing_scopes:
        return error.missing_scopes
    found = _SCOPE_LIST.search(error.message)
    if not found:
        return ()
    return tuple(s.strip(" '\"") for s in found.group(1).split(",") if s.strip(" '\""))


def _code_str(error: ZoomError) -> str:
    return str(error.code) if error.code is not None else ""


def _unavailable(error: ZoomError, operation: str) -> tuple[str, str]:
    """(what, fix) for a transient failure, honest about whether anything changed."""
    if error.status is None:
        what = f"I couldn't reach Zoom to {operation} (no answer in time)."
    else:
        what = f"Zoom had a problem on its side while I tried to {operation}."
    if error.outcome is Outcome.UNKNOWN:
        fix = (
            "It may have gone through anyway. Check `/zoom list` before trying again, "
            "so you don't end up with it twice."
        )
    elif error.outcome is Outcome.CHANGED:
        fix = "Zoom did make the change, but I couldn't finish the rest. Check `/zoom list`."
    else:
        fix = "Nothing was changed. This is usually brief — try again in a minute."
    return what, fix


def _zoom_hint(error: ZoomError, mode: Mode, operation: str, tz: tzinfo, reference: str | None) -> Hint:
    kind = error.kind
    why = _zoom_why(error)
    title = f"Couldn't {operation}"  # plain text: Hint.text() escapes it
    if kind is ZoomErrorKind.AUTH:
        if mode == "account":
            return Hint(
                title,
                "Zoom refused zoombot's account credentials.",
                why,
                "A Zoom admin should check that zoombot's Server-to-Server OAuth app is activated in the "
                "Zoom App Marketplace, and whoever runs zoombot that `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID` "
                "and `ZOOM_CLIENT_SECRET` belong to it.",
            )
        return Hint(
            title,
            "Your Zoom link has expired or was revoked (in Zoom, or by an admin).",
            why,
            "Run `/zoom link` to link your Zoom account again.",
        )
    if kind is ZoomErrorKind.SCOPE:
        scopes = _missing_scopes(error)
        named = (
            ", ".join(f"`{quote_external(s, 80)}`" for s in scopes) if scopes else "a scope Zoom didn't name"
        )
        what = f"zoombot's Zoom access doesn't include {named}, which this needs."
        if mode == "account":
            fix = (
                "A Zoom admin must add the scope(s) to zoombot's Server-to-Server OAuth app "
                "(Zoom App Marketplace → the app → Scopes). No relinking is needed afterwards."
            )
        else:
            fix = (
                "The owner of zoombot's Zoom app must add the scope(s) in the Zoom App Marketplace "
                "(the app → Scopes); then run `/zoom link` again so your link includes them."
            )
        return Hint(title, what, why, fix)
    if kind is ZoomErrorKind.USER_NOT_FOUND and error.details.get("host"):
        host = quote_external(error.details["host"], 120)
        return Hint(
            title,
            f"Zoom has no user `{host}` in your Zoom account, so nobody here can schedule for them.",
            why,
            "Scheduling for someone works only within one Zoom account. Check the address: for a "
            "Slack mention it's their Slack profile e-mail, which has to be their Zoom e-mail — if "
            "those differ, write `host` and their Zoom e-mail instead.",
        )
    if kind is ZoomErrorKind.USER_NOT_FOUND:
        who = error.details.get("user")
        if who:
            return Hint(
                title,
                f"Zoom has no user `{quote_external(who, 120)}` in this account.",
                why,
                "Check the e-mail address. `/zoom users` lists the account's users.",
            )
        if _code_str(error) == "1120":
            return Hint(
                title,
                "Your Zoom invitation to this account hasn't been accepted (or it expired).",
                why,
                "Accept the invitation e-mail from Zoom, or ask a Zoom admin to send a new one.",
            )
        if mode == "account":
            return Hint(
                title,
                "There is no Zoom user in this account with your Slack e-mail address.",
                why,
                "Ask a Zoom admin to add you to the Zoom account, or make your Slack profile e-mail "
                "match your Zoom e-mail.",
            )
        return Hint(
            title,
            "Zoom no longer knows the user you linked (deleted, or moved to another Zoom account).",
            why,
            "Run `/zoom unlink`, then `/zoom link` with your current Zoom account.",
        )
    if kind is ZoomErrorKind.MEETING_NOT_FOUND:
        raw_id = error.details.get("meeting_id", "")
        shown = f" `{format_meeting_id(int(raw_id))}`" if raw_id.isdigit() and raw_id.isascii() else ""
        return Hint(
            title,
            f"Zoom has no meeting{shown} that you can reach: the id may be mistyped, the meeting may "
            "have been deleted or expired, or it belongs to someone else.",
            why,
            "Check the id with `/zoom list` (it shows your meetings with their ids).",
        )
    if kind is ZoomErrorKind.SCHEDULE_PRIVILEGE:
        return _schedule_privilege_hint(error, title, why)
    if kind is ZoomErrorKind.SHARED_ACCESS:
        return Hint(
            title,
            "Zoom says the authorizing user hasn't allowed zoombot to use their shared access "
            "permissions (needed to act for other users).",
            why,
            "Run `/zoom link` again and tick “Allow this app to use my shared access permissions” on "
            f"Zoom's consent page. Zoom explains it here: <{SHARED_ACCESS_ARTICLE}|Allowing apps access "
            "to shared access permissions>.",
        )
    if kind is ZoomErrorKind.MODE_MISUSE:
        reference = reference or new_reference()
        if mode == "account":
            detail = "in account mode it must name the Zoom user, but it asked Zoom about `me`."
        else:
            detail = "in user mode it must use `me` for your own account, but it sent a user id."
        return Hint(
            title,
            f"This is a bug in zoombot: {detail}",
            why,
            f"Retrying won't help. Please tell whoever runs zoombot and quote `{reference}`.",
            reference,
        )
    if kind is ZoomErrorKind.PERMISSION:
        code = _code_str(error)
        if code == "3003":
            what, fix = (
                "You're not the host of that meeting.",
                "Ask the host to make the change, or to add you as an alternative host.",
            )
        elif code == "3161":
            what, fix = (
                "Your Zoom user isn't allowed to host or schedule meetings.",
                "Ask a Zoom admin to enable meeting hosting for your user (User Management → Users).",
            )
        elif "paid" in error.message.lower():
            what, fix = (
                "This needs a paid Zoom plan or licence.",
                "Ask a Zoom admin to assign you a licence (User Management → Users → edit your user).",
            )
        else:
            what, fix = (
                "Your Zoom role or plan doesn't allow this.",
                "Ask a Zoom admin to grant the permission to your role (User Management → Roles).",
            )
        return Hint(title, what, why, fix)
    if kind is ZoomErrorKind.RATE_LIMITED:
        if error.retry_after is not None and error.retry_after > 0:
            seconds = min(math.ceil(error.retry_after), 3600)
            wait = f"Try again in about {seconds} second{'s' if seconds != 1 else ''}."
        else:
            wait = "Try again in a few seconds."
        return Hint(title, "Zoom is rate-limiting requests for your Zoom account right now.", why, wait)
    if kind is ZoomErrorKind.DAILY_LIMIT:
        if error.reset_at is not None:
            when = date_token(error.reset_at, "{date_short_pretty} at {time}", fallback_tz=tz)
            wait = f"Try again after {when}."
        else:
            wait = "Try again tomorrow (Zoom resets daily limits at 00:00 UTC)."
        return Hint(
            title,
            "You've reached Zoom's daily limit for this (Zoom allows 100 meeting creates/updates "
            "per user per day).",
            why,
            wait,
        )
    if kind is ZoomErrorKind.UNAVAILABLE:
        what, fix = _unavailable(error, escape(operation))
        return Hint(title, what, why, fix)
    if kind is ZoomErrorKind.VALIDATION:
        fields = "; ".join(
            f"{quote_external(k, 60)}: {quote_external(v, 120)}" for k, v in list(error.details.items())[:5]
        )
        what = "Zoom refused the details I sent."
        if fields:
            what += f" ({fields})"
        return Hint(title, what, why, "Check what you typed and try again. `/zoom help` shows every form.")
    reference = reference or new_reference()
    return Hint(
        title,
        "Zoom returned an error I don't recognise.",
        why,
        f"Try again. If it keeps happening, tell whoever runs zoombot and quote `{reference}`.",
        reference,
    )


_SCHEDULE_FOR = re.compile(r"schedule a meeting for\s+(\S+?)\.?$", re.IGNORECASE)


_GRANT_PRIVILEGE = (
    "Settings → Meeting → *Schedule Privilege*, clicks + next to *Assign scheduling privilege "
    "to* and adds your Zoom e-mail. Then try again; `/zoom schedulers` shows whom you can "
    "schedule for."
)


def _no_privilege_hint(title: str, host: str, why: str | None) -> Hint:
    shown = f"`{quote_external(host, 120)}`"
    return Hint(
        title,
        f"{shown} hasn't given you scheduling privilege in Zoom, so I can't schedule or list "
        "meetings for them.",
        why,
        f"Only {shown} can grant it: they sign in to the Zoom web portal → {_GRANT_PRIVILEGE}",
    )


def _schedule_privilege_hint(error: ZoomError, title: str, why: str) -> Hint:
    host = error.details.get("host")
    if host is None and (named := _SCHEDULE_FOR.search(error.message)) is not None:
        host = named.group(1)
    if host:
        return _no_privilege_hint(title, host, why)
    return Hint(
        title,
        "You don't have scheduling privilege for that Zoom user, so I can't act for them.",
        why,
        f"Only that user can grant it: they sign in to the Zoom web portal → {_GRANT_PRIVILEGE}",
    )


def _host_hint(error: HostLookupError, operation: str | None) -> Hint:
    title = f"Couldn't {operation}" if operation else "I can't tell who the host is"
    label = quote_external(error.label, 80)
    if error.problem is HostProblem.NO_EMAIL:
        what = f"{label}'s Slack profile shows no e-mail address, so I can't tell which Zoom user they are."
    else:
        what = f"Slack doesn't know {label} (deactivated, or not in this workspace)."
    example = (
        "/zoom list host dana@example.com"
        if (operation or "").startswith("list")
        else '/zoom schedule "Board sync" tomorrow 3pm host dana@example.com'
    )
    return Hint(
        title, what, None, f"Write `host` and their Zoom e-mail instead, for example `{escape(example)}`."
    )


def _refusal_hint(refusal: Refusal, operation: str) -> Hint:
    """zoombot's own refusals: the why is our rule, in our words — Zoom was not asked, or said yes."""
    title = f"Couldn't {operation}"  # plain text: Hint.text() escapes it
    kind = refusal.kind
    if kind is RefusalKind.ACCOUNT_MODE_REQUIRED:
        return Hint(
            title,
            "`/zoom users` and `/zoom user` work only when zoombot runs in account mode, and this "
            "zoombot runs in user mode (each person links their own Zoom account).",
            "Listing and looking up a Zoom account's users needs a token for the whole account; "
            "a personal Zoom link only ever sees its own user.",
            "Whoever runs zoombot sets `ZOOM_ACCOUNT_ID` with a Zoom Server-to-Server OAuth app "
            "(README → Creating the Zoom app → Account mode). Until then, `/zoom me` shows your own "
            "Zoom user.",
        )
    if kind is RefusalKind.NOT_ZOOM_ADMIN:
        role = (refusal.role_name or "").strip()
        yours = f"Your Zoom role is *{quote_external(role, 80)}*" if role else "Zoom names no role for you"
        return Hint(
            title,
            f"{yours}, and only Zoom users with the *Owner* or *Admin* role may list or look up "
            "the account's users.",
            "zoombot asks Zoom for your role and lets only the Zoom account's owner and admins see "
            "its users; being a Slack admin doesn't count.",
            "Ask your Zoom account's owner to give you the Admin role (Zoom web portal → User "
            "Management → Users → your user → Edit → Role), or ask a Zoom admin to run the command.",
        )
    if kind is RefusalKind.NO_SLACK_EMAIL:
        return Hint(
            title,
            "I can't tell which Zoom user you are: Slack gave zoombot no e-mail address for you.",
            "This zoombot acts through your organisation's Zoom account and finds your Zoom user by "
            "the e-mail address of your Slack account.",
            "Give your Slack account the same e-mail address as your Zoom user (in Slack: your profile "
            "→ Account settings → Email address), then try again. If it has one already, whoever runs "
            "zoombot must add the `users:read.email` scope to the Slack app and reinstall it.",
        )
    if kind is RefusalKind.NOT_ASSISTANT:
        host = refusal.host or "that user"
        return _no_privilege_hint(
            title,
            host,
            "zoombot acts through your organisation's Zoom account, which could schedule for anyone, "
            f"so it schedules for someone only if Zoom lists you among their assistants; Zoom's list "
            f"for `{quote_external(host, 120)}` doesn't include you.",
        )
    meeting = f" `{format_meeting_id(refusal.meeting_id)}`" if refusal.meeting_id is not None else ""
    you = f" (`{quote_external(refusal.zoom_email, 200)}`)" if refusal.zoom_email else ""
    return Hint(
        title,
        f"Meeting{meeting} isn't yours: another user of your organisation's Zoom account hosts it, "
        f"not you{you}.",
        "zoombot acts through your organisation's Zoom account, which reaches everyone's meetings, "
        "so it only shows, moves, cancels or sets reminders for meetings you host.",
        "Ask the meeting's host to do it. `/zoom list` shows the meetings you host, with their ids.",
    )


def _usage_fix(syntax: str, example: str) -> str:
    return f"Usage: `{escape(syntax)}`\nExample: `{escape(example)}`"


def hint_for(
    error: BaseException,
    *,
    mode: Mode,
    operation: str | None = None,
    tz: tzinfo = UTC,
    reference: str | None = None,
) -> Hint:
    """Explain ``error`` to the person who ran the command.

    ``operation`` ("create a meeting") overrides the one a ``ZoomError`` carries; ``tz``
    writes fallback times in the reader's zone; ``reference`` (else a fresh one, for
    unexpected errors) lets the caller log the details under the id the user sees.
    """
    if isinstance(error, ZoomError):
        return _zoom_hint(error, mode, operation or error.operation or "do that", tz, reference)
    if isinstance(error, Refusal):
        return _refusal_hint(error, operation or error.operation or "do that")
    if isinstance(error, NotLinkedError):
        return Hint(
            "Zoom isn't linked yet",
            "You haven't linked a Zoom account to your Slack user.",
            None,
            "Run `/zoom link` and approve zoombot in Zoom — it takes a few seconds.",
        )
    if isinstance(error, HostLookupError):
        return _host_hint(error, operation)
    if isinstance(error, ReminderError):
        return Hint(
            "I couldn't set that reminder",
            escape(error.message),
            None,
            _usage_fix(USAGE["remind"].syntax, USAGE["remind"].example),
        )
    if isinstance(error, WhenError):
        fix = f"Try for example `{escape(error.example)}`."
        if operation in USAGE:
            fix += f" Usage: `{escape(USAGE[operation].syntax)}`"
        return Hint("I couldn't use that time", escape(error.message), None, fix)
    if isinstance(error, Overloaded):
        return Hint(
            "zoombot is very busy",
            "So many commands are waiting right now that I didn't start yours.",
            None,
            "Try again in a minute. If this keeps happening, tell whoever runs zoombot — "
            "more bot processes sharing the same database can split the load.",
        )
    if isinstance(error, UsageError):
        return Hint(
            "Let's try that again",
            escape(error.message),
            None,
            _usage_fix(error.usage, error.example),
        )
    reference = reference or new_reference()
    doing = f" while trying to {escape(operation)}" if operation else ""
    return Hint(
        "Something went wrong",
        f"Sorry — something unexpected went wrong{doing}.",
        None,
        f"Please try again. If it keeps happening, tell whoever runs zoombot and quote `{reference}`.",
        reference,
    )


def no_personal_room_hint() -> Hint:
    """`/zoom join me` for someone whose Zoom user has no Personal Meeting ID to offer."""
    return Hint(
        "No personal meeting room",
        "Your Zoom user has no Personal Meeting ID (PMI): it is turned off for you or your "
        "Zoom account, so there is no personal room to join.",
        None,
        "Start a meeting with `/zoom new` instead, or ask a Zoom admin to turn on "
        "*Enable Personal Meeting ID* (Settings → Meeting).",
    )


# --- help -------------------------------------------------------------------------------


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


def help_text(link_status: LinkStatus) -> str:
    lines = [link_status_line(link_status), "", "*Commands*"]
    lines += usage_lines(account_mode=link_status.account_mode)
    lines += ["", "Times are read in your Slack time zone. Meeting ids may have spaces: `812 3456 7890`."]
    return "\n".join(lines)


# --- the Zoom link page -----------------------------------------------------------------


def link_outcome_page(result: LinkResult, *, declined: bool = False) -> tuple[str, list[str]]:
    """Title and paragraphs (plain text; the page escapes them) for the OAuth callback page."""
    if result.ok:
        return (
            "Zoom account linked",
            [
                f"The Zoom account {result.zoom_email} is now linked to your Slack user.",
                "Try /zoom new or /zoom list in Slack. /zoom unlink removes the link at any time.",
            ],
        )
    if declined:
        return (
            "Zoom was not linked",
            ["You declined access at Zoom, so nothing was linked.", "Run /zoom link in Slack to try again."],
        )
    reason = result.reason
    if reason == LinkRefusal.STATE_INVALID:
        return (
            "This link has expired or was already used",
            [
                "Each /zoom link button works once, for 10 minutes, and only for the person it was made for.",
                "Nothing was linked. Run /zoom link in Slack to get a fresh one.",
            ],
        )
    if reason == LinkRefusal.EMAIL_MISMATCH:
        return (
            "That Zoom account isn't yours",
            [
                f"You signed in to Zoom as {result.zoom_email or 'another user'}, "
                "which is not the e-mail address of the Slack user who asked for this link.",
                "Nothing was linked and the access Zoom just granted was revoked. "
                "If this link was forwarded to you, run /zoom link yourself in Slack. "
                "Otherwise sign in to Zoom with the same e-mail as your Slack profile and try again.",
            ],
        )
    if reason == LinkRefusal.ALREADY_LINKED_ELSEWHERE:
        return (
            "That Zoom account is already linked",
            [
                f"The Zoom account {result.zoom_email or ''} is linked to another Slack user.",
                "Nothing was changed. That person can run /zoom unlink first, then you can link it.",
            ],
        )
    if reason == LinkRefusal.CODE_REJECTED:
        why = _page_why(result.error)
        return (
            "Zoom refused the sign-in",
            [
                f"Zoom did not accept the authorization.{why}",
                "Nothing was linked. Run /zoom link in Slack to try again.",
            ],
        )
    why = _page_why(result.error)
    return (
        "Zoom could not be reached",
        [
            f"Linking failed because Zoom did not answer properly.{why}",
            "Nothing was linked. Please run /zoom link again in a minute.",
        ],
    )


def _page_why(error: ZoomError | None) -> str:
    if error is None:
        return ""
    code = f" code {error.code}" if error.code is not None else ""
    message = quote_external(error.message, 200, redact=True) if error.message else ""
    return f" (Zoom{code}: {message})" if message or code else ""


# --- sharing a meeting summary -------------------------------------------------------------

_SHARE_REFUSALS = {
    "gone": (
        "That meeting's card is gone",
        "zoombot no longer has the channel message this summary belongs to.",
        "Paste the summary in the channel yourself if people there should read it.",
    ),
    "not_yours": (
        "Only the person who posted the meeting can share its summary",
        "This summary was sent to whoever started the meeting from Slack.",
        "Ask them to press *Share in the thread*.",
    ),
    "empty": (
        "There is no summary to share in this message",
        "The message no longer holds the summary zoombot sent.",
        "Paste the summary in the channel yourself if people there should read it.",
    ),
    "slack": (
        "Slack did not take the summary",
        "Posting in the meeting's thread failed; nothing was shared.",
        "Press *Share in the thread* again in a minute.",
    ),
}


def share_refused_hint(reason: str) -> Hint:
    """Why pressing "Share in the thread" on a meeting summary shared nothing."""
    title, what, fix = _SHARE_REFUSALS.get(reason, _SHARE_REFUSALS["slack"])
    return Hint(title=title, what=what, why=None, fix=fix)
