"""Status sync's replies: the consent button, on, off, and what it will set."""

from __future__ import annotations

from bot.services.status_sync import STATUS_EMOJI, STATUS_TEXT, OffResult
from bot.slack.views._blocks import SlackMessage, actions, button, context, message, section

ACTION_STATUS_CONSENT = "status_sync_open"  # a URL button to Slack's consent page; ack only

WHAT_IT_SETS = (
    f"While you're in a Zoom meeting your status becomes {STATUS_EMOJI} *{STATUS_TEXT}*, until the "
    "meeting's scheduled end (or 2 hours); when it ends, the status you had comes back, unless "
    "you changed it meanwhile."
)


def status_consent_prompt(authorize_url: str) -> SlackMessage:
    """A button to Slack's consent page. The URL is single-use and bound to the caller: ephemeral only."""
    blocks = [
        section(WHAT_IT_SETS),
        section(
            "Slack will ask you to let zoombot read and change your status; "
            "the button works once and expires in 10 minutes."
        ),
        actions(
            button("Allow in Slack", action_id=ACTION_STATUS_CONSENT, url=authorize_url, style="primary")
        ),
    ]
    return message(
        "Status sync: allow zoombot to set your status in Slack (the button expires in 10 minutes).", blocks
    )


def status_show(*, on: bool, in_meeting: bool = False) -> SlackMessage:
    if not on:
        text = ":white_circle: Status sync is *off*. `/zoom status on` turns it on."
        return message("Status sync is off.", [section(text), context(WHAT_IT_SETS)])
    now = (
        f"You're in a Zoom meeting now: your status shows {STATUS_EMOJI} *{STATUS_TEXT}*."
        if in_meeting
        else "You're not in a Zoom meeting now."
    )
    return message(
        "Status sync is on.",
        [
            section(":large_green_circle: Status sync is *on*. " + WHAT_IT_SETS),
            context(now + " `/zoom status off` turns it off."),
        ],
    )


def status_off_message(result: OffResult) -> SlackMessage:
    if not result.was_on:
        return message(
            "Status sync was already off.", [section("Status sync was already off; nothing changed.")]
        )
    tail = (
        "zoombot's access to your status is revoked."
        if result.revoked
        else "Slack didn't confirm the revoke; you can remove zoombot under your Slack account's "
        "*Connected apps* to be sure."
    )
    return message("Status sync is off.", [section(f":white_circle: Status sync is *off*. {tail}")])
