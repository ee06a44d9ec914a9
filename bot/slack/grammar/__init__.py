"""The `/zoom` command line's grammar: typed commands, and one reader per subcommand.

:func:`bot.slack.subcommands.parse_command` picks the reader by the first word. It never
raises: anything it cannot read becomes a :class:`~bot.slack.hints.UsageError` carrying
the usage line and an example for the subcommand (from the usage table the help text
uses). It does no I/O and knows nothing about the clock: times stay text (``when_text``)
until the handler, who knows the caller's zone, hands them to :func:`bot.services.when.parse_when`.

Slack delivers the text with ``&``, ``<``, ``>`` escaped and with channels, users and
e-mails as ``<#C123|general>``, ``<@U123>``, ``<mailto:a@b.c|a@b.c>``; topics are turned
back into the plain words the user typed before they go to Zoom.
"""

from __future__ import annotations

from bot.slack.grammar.commands import (
    AttendanceSwitch,
    CancelMeeting,
    CancelReminder,
    ChangeUserStatus,
    ChannelRef,
    Command,
    CreateUser,
    DigestOff,
    DigestOn,
    Help,
    HostRef,
    JoinMeeting,
    JoinPersonalRoom,
    Link,
    ListMeetings,
    ListReminders,
    ListSchedulers,
    ListUsers,
    Me,
    MeetingReport,
    MoveMeeting,
    NewMeeting,
    OpenScheduleModal,
    Period,
    Recordings,
    RecordingsTrash,
    Remind,
    Schedule,
    ShowAudit,
    ShowLive,
    ShowMeeting,
    ShowUsage,
    ShowUser,
    StatusSyncCommand,
    Unlink,
)

__all__ = [
    "AttendanceSwitch",
    "CancelMeeting",
    "CancelReminder",
    "ChangeUserStatus",
    "ChannelRef",
    "Command",
    "CreateUser",
    "DigestOff",
    "DigestOn",
    "Help",
    "HostRef",
    "JoinMeeting",
    "JoinPersonalRoom",
    "Link",
    "ListMeetings",
    "ListReminders",
    "ListSchedulers",
    "ListUsers",
    "Me",
    "MeetingReport",
    "MoveMeeting",
    "NewMeeting",
    "OpenScheduleModal",
    "Period",
    "Recordings",
    "RecordingsTrash",
    "Remind",
    "Schedule",
    "ShowAudit",
    "ShowMeeting",
    "ShowLive",
    "ShowUsage",
    "ShowUser",
    "StatusSyncCommand",
    "Unlink",
]
