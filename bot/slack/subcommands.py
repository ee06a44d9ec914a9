"""Every `/zoom` subcommand as one record: name, aliases, reader, and the handler of each command it reads.

A new subcommand is one :class:`Subcommand` here, its usage wording in
``bot/slack/hints/usage.py`` (the one place for user-facing text), its reader in
``bot/slack/grammar``, its handler and its view. The help text lists the usage table in
its own order; ``tests/slack/test_subcommands.py`` keeps the table and the records in step.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.slack import grammar
from bot.slack.grammar import readers as read
from bot.slack.grammar.admin import read_audit, read_user
from bot.slack.grammar.schedule import read_schedule
from bot.slack.grammar.usage_period import read_usage
from bot.slack.grammar.words import clean, plain_words
from bot.slack.handlers import (
    account,
    admin,
    attendance,
    meetings,
    recordings,
    reminders,
    status,
    user_admin,
)
from bot.slack.handlers.caller import Caller
from bot.slack.hints import USAGE, Usage, UsageError
from bot.slack.replies import Outcome

log = logging.getLogger(__name__)

Handler = Callable[[Any, Caller], Awaitable[Outcome]]


@dataclass(frozen=True)
class Action:
    operation: str  # what it does, for hints and metrics: "schedule a meeting"
    handler: Handler


@dataclass(frozen=True)
class Subcommand:
    name: str
    read: Callable[[str], grammar.Command | UsageError]
    # Each command type the reader can return, and what handles it. `schedule` with nothing
    # after it reads as OpenScheduleModal, which the listener answers with the form itself.
    actions: Mapping[type, Action]
    aliases: tuple[str, ...] = field(default=())

    @property
    def usage(self) -> Usage:
        return USAGE[self.name]


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("help", read.read_help, {grammar.Help: Action("show help", account.show_help)}, ("?",)),
    Subcommand(
        "link",
        read.no_args(grammar.Link, "link"),
        {grammar.Link: Action("link your Zoom account", account.link)},
        ("connect",),
    ),
    Subcommand(
        "unlink",
        read.no_args(grammar.Unlink, "unlink"),
        {grammar.Unlink: Action("unlink your Zoom account", account.unlink)},
        ("disconnect", "logout"),
    ),
    Subcommand(
        "me", read.no_args(grammar.Me, "me"), {grammar.Me: Action("look up your Zoom user", account.me)}
    ),
    Subcommand(
        "new",
        read.read_new,
        {grammar.NewMeeting: Action("start a meeting", meetings.new_meeting)},
        ("start",),
    ),
    Subcommand(
        "schedule", read_schedule, {grammar.Schedule: Action("schedule a meeting", meetings.schedule)}
    ),
    Subcommand(
        "list",
        read.read_list,
        {grammar.ListMeetings: Action("list your meetings", meetings.list_meetings)},
        ("ls",),
    ),
    Subcommand(
        "show",
        read.read_show,
        {grammar.ShowMeeting: Action("show the meeting", meetings.show_meeting)},
        ("info",),
    ),
    Subcommand(
        "join",
        read.read_join,
        {
            grammar.JoinMeeting: Action("post the meeting's Join button", meetings.join_meeting),
            grammar.JoinPersonalRoom: Action(
                "post your personal room's Join button", meetings.join_personal_room
            ),
        },
    ),
    Subcommand(
        "move",
        read.read_move,
        {grammar.MoveMeeting: Action("move the meeting", meetings.move_meeting)},
        ("reschedule",),
    ),
    Subcommand(
        "cancel",
        read.read_cancel,
        {grammar.CancelMeeting: Action("cancel the meeting", meetings.ask_to_cancel)},
        ("delete",),
    ),
    Subcommand("remind", read.read_remind, {grammar.Remind: Action("set a reminder", reminders.remind)}),
    Subcommand(
        "reminders",
        read.read_reminders,
        {
            grammar.ListReminders: Action("list your reminders", reminders.list_reminders),
            grammar.CancelReminder: Action("cancel the reminder", reminders.cancel_reminder),
        },
    ),
    Subcommand(
        "digest",
        read.read_digest,
        {
            grammar.DigestOn: Action("turn on your digest", reminders.digest_on),
            grammar.DigestOff: Action("turn off your digest", reminders.digest_off),
        },
    ),
    Subcommand(
        "report",
        read.read_report,
        {grammar.MeetingReport: Action("show the meeting's attendance", attendance.report)},
    ),
    Subcommand(
        "attendance",
        read.read_attendance,
        {grammar.AttendanceSwitch: Action("switch attendance posts for this channel", attendance.switch)},
    ),
    Subcommand(
        "recordings",
        read.read_recordings,
        {
            grammar.Recordings: Action("list your recordings", account.recordings),
            grammar.RecordingsTrash: Action("list your recordings in the trash", recordings.trash_list),
        },
    ),
    Subcommand(
        "status",
        read.read_status,
        {grammar.StatusSyncCommand: Action("change your status sync", status.status_sync)},
    ),
    Subcommand(
        "users",
        read.no_args(grammar.ListUsers, "users"),
        {grammar.ListUsers: Action("list the account's users", account.list_users)},
    ),
    Subcommand(
        "user",
        read_user,
        {
            grammar.ShowUser: Action("look up that user", account.show_user),
            grammar.CreateUser: Action("create the Zoom user", user_admin.ask_create),
            grammar.ChangeUserStatus: Action("change the Zoom user's status", user_admin.ask_status),
        },
    ),
    Subcommand(
        "usage",
        read_usage,
        {grammar.ShowUsage: Action("show the account's usage", admin.show_usage)},
    ),
    Subcommand(
        "live",
        read.no_args(grammar.ShowLive, "live"),
        {grammar.ShowLive: Action("show the meetings in progress", admin.show_live)},
    ),
    Subcommand(
        "audit", read_audit, {grammar.ShowAudit: Action("show the audit trail", user_admin.show_audit)}
    ),
    Subcommand(
        "schedulers",
        read.no_args(grammar.ListSchedulers, "schedulers"),
        {grammar.ListSchedulers: Action("list whom you can schedule for", account.schedulers)},
    ),
)

_BY_WORD = {word: sub for sub in SUBCOMMANDS for word in (sub.name, *sub.aliases)}
_BY_TYPE = {kind: action for sub in SUBCOMMANDS for kind, action in sub.actions.items()}


def parse_command(text: str) -> grammar.Command | UsageError:
    """Read the text after `/zoom`. Never raises."""
    try:
        cleaned = clean(text)
        if not cleaned:
            return grammar.Help()
        first, _, rest = cleaned.partition(" ")
        subcommand = _BY_WORD.get(first.lower())
        if subcommand is None:
            return UsageError.unknown(plain_words(first.lower()))
        return subcommand.read(rest.strip())
    except Exception:  # a bug here must still give the user an answer, not silence
        log.exception("could not parse a /zoom command")
        return UsageError(
            "help", "I couldn't read that command.", USAGE["help"].syntax, USAGE["help"].example
        )


def describe(command: object) -> str:
    """What the command does, in words for hints and metrics."""
    action = _BY_TYPE.get(type(command))
    return action.operation if action else "do that"


async def dispatch(command: object, ctx: Caller) -> Outcome:
    action = _BY_TYPE.get(type(command))
    if action is None:
        raise LookupError(f"no handler for {type(command).__name__}")
    return await action.handler(command, ctx)
