"""One handler per `/zoom` subcommand; :func:`dispatch` picks it by command type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.slack import grammar
from bot.slack.handlers import account, meetings, reminders
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome

Handler = Callable[[Any, Caller], Awaitable[Outcome]]

HANDLERS: dict[type, tuple[str, Handler]] = {
    # command type: (what it does, for hints and metrics; handler)
    grammar.Help: ("show help", account.show_help),
    grammar.Link: ("link your Zoom account", account.link),
    grammar.Unlink: ("unlink your Zoom account", account.unlink),
    grammar.Me: ("look up your Zoom user", account.me),
    grammar.NewMeeting: ("start a meeting", meetings.new_meeting),
    grammar.Schedule: ("schedule a meeting", meetings.schedule),
    grammar.ListMeetings: ("list your meetings", meetings.list_meetings),
    grammar.ShowMeeting: ("show the meeting", meetings.show_meeting),
    grammar.JoinMeeting: ("post the meeting's Join button", meetings.join_meeting),
    grammar.JoinPersonalRoom: ("post your personal room's Join button", meetings.join_personal_room),
    grammar.MoveMeeting: ("move the meeting", meetings.move_meeting),
    grammar.CancelMeeting: ("cancel the meeting", meetings.ask_to_cancel),
    grammar.Recordings: ("list your recordings", account.recordings),
    grammar.ListUsers: ("list the account's users", account.list_users),
    grammar.ShowUser: ("look up that user", account.show_user),
    grammar.ListSchedulers: ("list whom you can schedule for", account.schedulers),
    grammar.Remind: ("set a reminder", reminders.remind),
    grammar.ListReminders: ("list your reminders", reminders.list_reminders),
    grammar.CancelReminder: ("cancel the reminder", reminders.cancel_reminder),
    grammar.DigestOn: ("turn on your digest", reminders.digest_on),
    grammar.DigestOff: ("turn off your digest", reminders.digest_off),
}


def describe(command: object) -> str:
    entry = HANDLERS.get(type(command))
    return entry[0] if entry else "do that"


async def dispatch(command: object, ctx: Caller) -> Outcome:
    entry = HANDLERS.get(type(command))
    if entry is None:
        raise LookupError(f"no handler for {type(command).__name__}")
    return await entry[1](command, ctx)
