"""The typed `/zoom` commands the grammar reads text into, one frozen record per form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Literal

from bot.services.account_reports import LastDays, PeriodAsk
from bot.services.when import Repeat

DEFAULT_REMIND_MINUTES = 10
DEFAULT_DIGEST_AT = time(8, 30)
DEFAULT_RECORDING_DAYS = 7
DEFAULT_AUDIT_COUNT = 20
MAX_AUDIT_COUNT = 100

Period = Literal["today", "tomorrow", "week"]


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


@dataclass(frozen=True)
class CreateUser:
    """`/zoom user create <email> [basic|licensed]` (basic unless told)."""

    email: str
    licensed: bool = False


@dataclass(frozen=True)
class ChangeUserStatus:
    """`/zoom user deactivate <email>` / `/zoom user activate <email>`."""

    email: str
    active: bool


@dataclass(frozen=True)
class ShowAudit:
    count: int = DEFAULT_AUDIT_COUNT


@dataclass(frozen=True)
class ShowUsage:
    period: PeriodAsk = LastDays(7)


@dataclass(frozen=True)
class ShowLive:
    pass


@dataclass(frozen=True)
class RecordingsTrash:
    pass


@dataclass(frozen=True)
class MeetingReport:
    meeting_id: int


@dataclass(frozen=True)
class AttendanceSwitch:
    enabled: bool | None  # None: only say how this channel is set


@dataclass(frozen=True)
class StatusSyncCommand:
    """`/zoom status on|off|show`."""

    verb: Literal["on", "off", "show"] = "show"


Command = (
    Help | Link | Unlink | Me | NewMeeting | Schedule | OpenScheduleModal | ListMeetings | ShowMeeting
    | JoinMeeting | JoinPersonalRoom | MoveMeeting | CancelMeeting | Remind | ListReminders | CancelReminder
    | DigestOn | DigestOff | Recordings | ListUsers | ShowUser | ListSchedulers | ShowUsage | ShowLive
    | MeetingReport | RecordingsTrash | CreateUser | ChangeUserStatus | ShowAudit
    | AttendanceSwitch | StatusSyncCommand
)  # fmt: skip
