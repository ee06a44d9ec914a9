"""The App Home tab: link status, the next meetings with Join buttons, and the main actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from bot.slack.hints import LinkStatus, link_status_line
from bot.slack.views._blocks import Block, actions, button, context, divider, header, section
from bot.slack.views._types import MeetingLike
from bot.slack.views.meetings import join_button, meeting_line

ACTION_HOME_LINK = "home_link"
ACTION_HOME_UNLINK = "home_unlink"
ACTION_HOME_NEW_MEETING = "home_new_meeting"
MAX_HOME_MEETINGS = 20  # the Home tab allows 100 blocks; a dashboard should stay short


def _unlink_confirm() -> Block:
    return {
        "title": {"type": "plain_text", "text": "Unlink Zoom?"},
        "text": {"type": "plain_text", "text": "zoombot's access to your Zoom account will be revoked."},
        "confirm": {"type": "plain_text", "text": "Unlink"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }


def _buttons(link_status: LinkStatus) -> Block:
    if link_status.account_mode:
        return actions(button("New meeting", action_id=ACTION_HOME_NEW_MEETING, style="primary"))
    if not link_status.linked:
        return actions(button("Link Zoom account", action_id=ACTION_HOME_LINK, style="primary"))
    return actions(
        button("New meeting", action_id=ACTION_HOME_NEW_MEETING, style="primary"),
        button("Unlink Zoom", action_id=ACTION_HOME_UNLINK, confirm=_unlink_confirm()),
    )


def home_view(
    link_status: LinkStatus,
    meetings: Sequence[MeetingLike],
    *,
    viewer_tz: tzinfo,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A ``views.publish`` payload (type ``home``)."""
    blocks: list[Block] = [header("Zoom"), section(link_status_line(link_status)), _buttons(link_status)]
    if link_status.linked or link_status.account_mode:
        blocks += [divider(), header("Next meetings")]
        if not meetings:
            blocks.append(section("Nothing scheduled. Use *New meeting* or `/zoom schedule`."))
        for meeting in meetings[:MAX_HOME_MEETINGS]:
            line = meeting_line(meeting, viewer_tz=viewer_tz, now=now)
            blocks.append(section(line, accessory=join_button(meeting)))
        hidden = len(meetings) - MAX_HOME_MEETINGS
        if hidden > 0:
            blocks.append(context(f"…and {hidden} more. `/zoom list` shows them all."))
    blocks.append(context("Type `/zoom help` in any channel for every command."))
    return {"type": "home", "blocks": blocks}
