"""When zoombot's own parts are missing: its database not answering, a Slack scope not granted."""

from __future__ import annotations

from bot.slack.hints.hint import Hint
from bot.slack.mrkdwn import escape


def database_down_hint() -> Hint:
    """A command met a database outage: our state, not Zoom's, and not a bug to report."""
    return Hint(
        "zoombot's database is not answering",
        "zoombot could not reach its own database, so nothing was changed — in Zoom or here.",
        None,
        "Try again in a minute. If it lasts, tell whoever runs zoombot that its database is down.",
    )


def database_down_page() -> tuple[str, list[str]]:
    """Title and paragraphs of the Zoom link page when the database did not answer."""
    return (
        "zoombot's database is not answering",
        [
            "zoombot could not reach its own database, so nothing was linked or changed.",
            "Run /zoom link in Slack again in a minute.",
        ],
    )


# The manifest's optional (bot_optional) scopes, and what each one lets zoombot do.
_OPTIONAL_SLACK_SCOPES = {
    "links:write": "show a preview under the Zoom links you paste",
    "links:read": "see the Zoom links pasted in channels",
    "channels:read": "tell public channels from private ones",
    "chat:write.public": "post in public channels it has not been invited to",
}


def slack_scope_missing_hint(scope: str) -> Hint:
    """A feature that needs an optional Slack scope this workspace did not grant zoombot."""
    does = _OPTIONAL_SLACK_SCOPES.get(scope, "do that")
    return Hint(
        "zoombot can't do that in this workspace",
        f"zoombot was installed without Slack's optional `{escape(scope)}` permission, so it can't {does}.",
        None,
        "Everything else works as usual. To turn this on, ask a Slack admin to reinstall zoombot "
        f"with `{escape(scope)}` granted. I'll mention this at most once a day.",
    )
