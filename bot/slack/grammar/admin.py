"""Readers of the admins' subcommands: `/zoom user <email> | create | deactivate | activate`, `audit`."""

from __future__ import annotations

from bot.slack.grammar.commands import (
    DEFAULT_AUDIT_COUNT,
    MAX_AUDIT_COUNT,
    ChangeUserStatus,
    Command,
    CreateUser,
    ShowAudit,
    ShowUser,
)
from bot.slack.grammar.words import EMAIL, plain_words
from bot.slack.hints import UsageError

MAX_NEW_EMAIL = 128  # Zoom's limit for a new user's e-mail
_KINDS = {"basic": False, "licensed": True, "licenced": True, "paid": True}


def _email(word: str, what: str) -> str | UsageError:
    if not word:
        return UsageError.for_subcommand("user", f"Give the e-mail address of the user to {what}.")
    if EMAIL.fullmatch(word) is None:
        shown = word.replace("`", "'")[:80]
        return UsageError.for_subcommand("user", f"`{shown}` doesn't look like an e-mail address.")
    return word


def read_user(rest: str) -> Command | UsageError:
    words = plain_words(rest).split()
    verb = words[0].lower() if words else ""
    if verb == "create":
        return _read_create(words[1:])
    if verb in ("deactivate", "activate"):
        if len(words) > 2:
            return UsageError.for_subcommand("user", f"`/zoom user {verb}` takes one e-mail address.")
        email = _email(words[1] if len(words) > 1 else "", verb)
        return email if isinstance(email, UsageError) else ChangeUserStatus(email, active=verb == "activate")
    if len(words) > 1:
        return UsageError.for_subcommand(
            "user", "Use `/zoom user <email>`, or `create`, `deactivate` or `activate` before the e-mail."
        )
    email = _email(words[0] if words else "", "look up")
    return email if isinstance(email, UsageError) else ShowUser(email)


def _read_create(words: list[str]) -> Command | UsageError:
    if not words or len(words) > 2:
        return UsageError.for_subcommand(
            "user", "Give the new user's e-mail address, then `basic` (the default) or `licensed`."
        )
    email = _email(words[0], "create")
    if isinstance(email, UsageError):
        return email
    if len(email) > MAX_NEW_EMAIL:
        return UsageError.for_subcommand(
            "user", f"Zoom takes e-mail addresses of at most {MAX_NEW_EMAIL} characters."
        )
    kind = words[1].lower() if len(words) == 2 else "basic"
    if kind not in _KINDS:
        return UsageError.for_subcommand("user", "The user type is `basic` or `licensed`.")
    return CreateUser(email, licensed=_KINDS[kind])


def read_audit(rest: str) -> Command | UsageError:
    text = plain_words(rest).strip()
    if not text:
        return ShowAudit()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return UsageError.for_subcommand("audit", f"Give how many entries to show, 1 to {MAX_AUDIT_COUNT}.")
    count = int(text)
    if not 1 <= count <= MAX_AUDIT_COUNT:
        return UsageError.for_subcommand(
            "audit", f"Pick between 1 and {MAX_AUDIT_COUNT} entries (the default is {DEFAULT_AUDIT_COUNT})."
        )
    return ShowAudit(count)
