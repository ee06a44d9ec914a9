"""zoombot's own refusals in its own words: hosts it cannot resolve, meetings not yours, shares refused."""

from __future__ import annotations

from bot.services.people import HostLookupError, HostProblem
from bot.services.refusals import Refusal, RefusalKind
from bot.services.reminders import ReminderError
from bot.services.when import RecurrenceError
from bot.slack.hints.hint import Hint
from bot.slack.hints.redact import quote_external
from bot.slack.hints.user_admin import USER_ADMIN_REFUSALS, user_refusal_hint
from bot.slack.hints.zoom import no_privilege_hint
from bot.slack.mrkdwn import escape, format_meeting_id, truncate


def host_hint(error: HostLookupError, operation: str | None) -> Hint:
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


def refusal_hint(refusal: Refusal, operation: str) -> Hint:
    """zoombot's own refusals: the why is our rule, in our words — Zoom was not asked, or said yes."""
    title = f"Couldn't {operation}"  # plain text: Hint.text() escapes it
    kind = refusal.kind
    if kind in USER_ADMIN_REFUSALS:
        return user_refusal_hint(refusal, title)
    if kind is RefusalKind.ACCOUNT_MODE_REQUIRED:
        return Hint(
            title,
            "`/zoom users` and `/zoom user` work only when zoombot runs in account mode, and this "
            "zoombot runs in user mode (each person links their own Zoom account). So do "
            "`/zoom usage`, `/zoom live` and `/zoom audit`.",
            "The account's users, usage and live meetings need a token for the whole account; "
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
            f"{yours}, and only Zoom users with the *Owner* or *Admin* role may list, look up, add, "
            "deactivate or activate the account's users, or see its usage, live meetings and audit trail.",
            "zoombot asks Zoom for your role and lets only the Zoom account's owner and admins see "
            "the account's users and figures; being a Slack admin doesn't count.",
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
    if kind is RefusalKind.ONLY_HOST:
        return Hint(
            title,
            "Only the meeting's host can move its recording to the trash or recover it (when zoombot "
            "acts for your organisation's Zoom account, its Zoom admins can too).",
            "zoombot finds the recording among your own Zoom recordings before it touches anything; "
            "it isn't there, so nothing was changed.",
            "Ask the meeting's host. `/zoom recordings` lists your own recordings, each with its button.",
        )
    if kind in (RefusalKind.ALREADY_IN_TRASH, RefusalKind.NOT_IN_TRASH):
        where = (
            "already in the trash" if kind is RefusalKind.ALREADY_IN_TRASH else "not in the trash any more"
        )
        return Hint(
            title,
            f"That recording is {where} (a second click, or someone was quicker); nothing was changed.",
            "zoombot looks where the recording is before it asks Zoom, so a repeated click can't "
            "undo or repeat anything.",
            "`/zoom recordings trash` lists what is in your trash; `/zoom recordings` what is not.",
        )
    if kind is RefusalKind.NOT_ASSISTANT:
        host = refusal.host or "that user"
        return no_privilege_hint(
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


_SHARE_REFUSALS = {
    "gone": (
        "That meeting's card is gone",
        "zoombot no longer has the channel message this {what} belongs to.",
        "Paste the {what} in the channel yourself if people there should read it.",
    ),
    "not_yours": (
        "Only the person who posted the meeting can share its {what}",
        "This {what} was sent to whoever started the meeting from Slack.",
        "Ask them to press *Share in the thread*.",
    ),
    "empty": (
        "There is no {what} to share in this message",
        "The message no longer holds the {what} zoombot sent.",
        "Paste the {what} in the channel yourself if people there should read it.",
    ),
    "slack": (
        "Slack did not take the {what}",
        "Posting in the meeting's thread failed; nothing was shared.",
        "Press *Share in the thread* again in a minute.",
    ),
}


def share_refused_hint(reason: str, what: str = "summary") -> Hint:
    """Why pressing "Share in the thread" on a meeting summary (or attendance) shared nothing."""
    title, said, fix = _SHARE_REFUSALS.get(reason, _SHARE_REFUSALS["slack"])
    return Hint(
        title=title.format(what=what), what=said.format(what=what), why=None, fix=fix.format(what=what)
    )


def attendance_unavailable_hint(cause: Hint, topic: str) -> Hint:
    """To a card's author only: their meeting's attendance could not be read, so none was posted."""
    return Hint(
        title=f"No attendance for {truncate(topic, 100)}",
        what=(
            f"zoombot could not read who attended *{escape(topic)}* to post it in its card's thread. "
            f"{cause.what}"
        ),
        why=cause.why,
        fix=f"{cause.fix} To stop these posts in a channel, run `/zoom attendance off` there.",
        reference=cause.reference,
    )


# --- refusals raised by handlers, worded here and explained by ``hint_for`` -----------------


def no_occurrences_left() -> RecurrenceError:
    """`/zoom move` on a series whose every occurrence is behind it."""
    return RecurrenceError(
        "That series has no occurrences left to move.", 'schedule "Standup" every weekday 9am'
    )


def unresolved_channel(name: str | None) -> ReminderError:
    """A bare `#name`: without reading every channel (a scope zoombot does not ask for) it stays unknown."""
    return ReminderError(
        f"I couldn't tell which channel #{name or ''} is. "
        "Pick it from Slack's autocomplete as you type # so it turns into a channel link."
    )
