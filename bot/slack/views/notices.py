"""Short confirmations: scheduled, moved, cancelled, unlinked, reminder set, digest on/off."""

from __future__ import annotations

from datetime import time, tzinfo

from bot.slack.mrkdwn import channel_mention, date_token, escape, format_meeting_id
from bot.slack.views._blocks import SlackMessage, message, section
from bot.slack.views._types import MeetingLike, ReminderLike


def prefixed(lead: str, body: SlackMessage) -> SlackMessage:
    """``body`` with a one-line lead (e.g. ":white_check_mark: Scheduled.") in front."""
    return message(f"{lead} {body['text']}", [section(lead), *body["blocks"]][:50])


def scheduled_lead(host: str | None = None) -> str:
    if host is None:
        return ":white_check_mark: Scheduled."
    return f":white_check_mark: Scheduled for {escape(host)} (they are the host)."


def cancelled_message(meeting: MeetingLike) -> SlackMessage:
    text = f":wastebasket: Cancelled *{escape(meeting.topic)}* (`{format_meeting_id(meeting.id)}`)."
    return message(f"Cancelled {escape(meeting.topic)}", [section(text)])


def stale_button_message() -> SlackMessage:
    text = "That button no longer works. Run the command again, e.g. `/zoom cancel &lt;meeting-id&gt;`."
    return message("That button no longer works.", [section(text)])


def account_mode_link_message() -> SlackMessage:
    text = (
        "No linking needed: zoombot acts through your organisation's Zoom account and finds you by the "
        "e-mail of your Slack profile."
    )
    return message("No linking needed in this workspace.", [section(text)])


def unlinked_message(revoked_at_zoom: bool | None) -> SlackMessage:
    if revoked_at_zoom is None:
        text = "There was no Zoom account linked. Run `/zoom link` to link one."
    elif revoked_at_zoom:
        text = (
            ":white_check_mark: Unlinked. zoombot's access was revoked at Zoom and your tokens deleted here."
        )
    else:
        text = (
            ":white_check_mark: Unlinked here: your tokens are deleted. Zoom did not confirm the revocation, "
            "so also remove zoombot under *Zoom App Marketplace → Manage → Added Apps*."
        )
    return message("Unlinked." if revoked_at_zoom is not None else "Nothing to unlink.", [section(text)])


def reminder_set_message(reminder: ReminderLike, *, viewer_tz: tzinfo) -> SlackMessage:
    when = date_token(reminder.fire_at, "{date_short_pretty} at {time}", fallback_tz=viewer_tz)
    channel = channel_mention(reminder.channel_id, "this channel")
    text = (
        f":alarm_clock: Reminder *#{reminder.id}* set: I'll post in {channel} {reminder.minutes_before} min "
        f"before *{escape(reminder.topic)}*, {when}. `/zoom reminders` lists them."
    )
    return message(f"Reminder #{reminder.id} set", [section(text)])


def reminder_cancelled_message(reminder_id: int, cancelled: bool) -> SlackMessage:
    if cancelled:
        text = f":wastebasket: Reminder *#{reminder_id}* cancelled."
    else:
        text = f"You have no pending reminder *#{reminder_id}*. `/zoom reminders` lists yours."
    return message(f"Reminder #{reminder_id}", [section(text)])


def digest_message(*, enabled: bool, at: time | None, tz_name: str | None) -> SlackMessage:
    if enabled and at is not None:
        text = (
            f":sunrise: Digest on: each weekday at *{at.strftime('%H:%M')}* ({escape(tz_name or 'UTC')}) "
            "I'll DM you the day's meetings. `/zoom digest off` stops it."
        )
    else:
        text = "Digest off. `/zoom digest on 08:30` turns it back on."
    return message("Digest on" if enabled else "Digest off", [section(text)])
