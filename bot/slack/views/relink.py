"""The DM sent once when Zoom refuses to renew an idle link: the notice and a button to link again."""

from __future__ import annotations

from bot.slack.hints import Hint
from bot.slack.views._blocks import SlackMessage, actions, button, message, section
from bot.slack.views.home import ACTION_HOME_LINK


def relink_notice(hint: Hint) -> SlackMessage:
    # The Home tab's link button: it starts a fresh consent when clicked, so the DM never goes stale.
    blocks = [
        section(hint.text()),
        actions(button("Link Zoom account", action_id=ACTION_HOME_LINK, style="primary")),
    ]
    return message(hint.text(), blocks)
