"""The wording of status sync's refusals and of the page shown after Slack's consent screen."""

from __future__ import annotations

from bot.services.status_sync import ConsentOutcome
from bot.slack.hints.hint import Hint


def status_needs_zoom_hint(*, account_mode: bool) -> Hint:
    """`/zoom status on` by someone zoombot cannot match to a Zoom user."""
    if account_mode:
        return Hint(
            "Status sync needs your Zoom user",
            "I couldn't find a Zoom user in your organisation's account with your Slack e-mail, "
            "so I can't tell when you are in a meeting.",
            None,
            "Ask a Zoom admin to add your Slack e-mail as a Zoom user, then run `/zoom status on` again.",
        )
    return Hint(
        "Link Zoom first",
        "Status sync follows your Zoom meetings, and your Zoom account isn't linked to zoombot "
        "(or its link needs renewing), so I can't tell when you are in one.",
        None,
        "Run `/zoom link` and approve zoombot in Zoom, then `/zoom status on`.",
    )


def status_not_configured_hint() -> Hint:
    return Hint(
        "Status sync is off in this zoombot",
        "Setting your Slack status needs your consent through the Slack app's sign-in, and this "
        "zoombot has no Slack app credentials to ask for it with.",
        None,
        "Whoever runs zoombot sets `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` (the Slack app's "
        "Basic Information page) and adds the status redirect URL from the app manifest.",
    )


def status_needs_webhooks_hint() -> Hint:
    return Hint(
        "Status sync is off in this zoombot",
        "Zoom tells zoombot when meetings start and end through its webhooks, and this zoombot "
        "has no webhook secret, so it would never know when to set your status.",
        None,
        "Whoever runs zoombot sets `ZOOM_WEBHOOK_SECRET_TOKEN` and subscribes the Zoom app to "
        "the meeting events (README → Zoom webhooks).",
    )


def status_consent_page(outcome: ConsentOutcome) -> tuple[str, list[str]]:
    """Title and paragraphs (plain text; the page escapes them) after Slack's consent screen."""
    if outcome is ConsentOutcome.ON:
        return (
            "Status sync is on",
            [
                'While you are in a Zoom meeting your Slack status will say "In a Zoom meeting"; '
                "the status you had comes back when it ends (unless you change it meanwhile).",
                "/zoom status off in Slack turns it off and revokes zoombot's access to your status.",
            ],
        )
    if outcome is ConsentOutcome.DECLINED:
        return (
            "Status sync was not turned on",
            ["You declined at Slack, so nothing changed.", "Run /zoom status on in Slack to try again."],
        )
    if outcome is ConsentOutcome.STATE_INVALID:
        return (
            "This link has expired or was already used",
            [
                "Each /zoom status on button works once, for 10 minutes, "
                "and only for the person it was made for.",
                "Nothing changed. Run /zoom status on in Slack to get a fresh one.",
            ],
        )
    if outcome is ConsentOutcome.WRONG_PERSON:
        return (
            "That was someone else's Slack sign-in",
            [
                "The Slack user who approved is not the one who asked for this link "
                "(or is in another workspace).",
                "Nothing was stored and the access Slack just granted was revoked. "
                "Run /zoom status on yourself in Slack.",
            ],
        )
    if outcome is ConsentOutcome.SCOPES_MISSING:
        return (
            "Slack didn't grant access to your status",
            [
                "zoombot needs to read and write your profile status "
                "(users.profile:read, users.profile:write).",
                "Nothing was stored. Run /zoom status on again and allow both; if Slack doesn't offer "
                "them, the app's manifest must list them under oauth_config → scopes → user.",
            ],
        )
    if outcome is ConsentOutcome.REFUSED:
        return (
            "Slack refused the sign-in",
            [
                "Slack did not accept the authorization.",
                "Nothing changed. Run /zoom status on in Slack to try again.",
            ],
        )
    return (
        "Slack could not be reached",
        [
            "Turning status sync on failed because Slack did not answer.",
            "Run /zoom status on again in a minute.",
        ],
    )
