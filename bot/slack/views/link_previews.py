"""Previews of pasted Zoom links (``chat.unfurl``), and the Join posts of `/zoom join`.

None of these builders reads a meeting's ``start_url`` (the host's credential). An
unfurl's Join button opens the very URL the poster pasted, so it carries a passcode only
if they pasted one.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from bot.slack.mrkdwn import escape, format_meeting_id
from bot.slack.views._blocks import SlackMessage, button, context, message, section
from bot.slack.views._types import MeetingLike, ZoomUserLike
from bot.slack.views.meetings import ACTION_JOIN, _is_url, describe_when
from bot.slack.views.people import display_name


def meeting_unfurl(meeting: MeetingLike, *, url: str, host: str, fallback_tz: tzinfo) -> dict[str, Any]:
    """One value of ``chat.unfurl``'s ``unfurls`` map (the caller keys it by ``url``)."""
    when = describe_when(meeting, viewer_tz=fallback_tz)
    text = f"*{escape(meeting.topic)}*\n{when}\nHost: {escape(host)}"
    join = (
        button("Join", action_id=ACTION_JOIN, url=url, value=str(meeting.id), style="primary")
        if _is_url(url)
        else None
    )
    blocks = [
        section(text, accessory=join),
        context(f"Zoom meeting · ID `{format_meeting_id(meeting.id)}`"),
    ]
    return {"blocks": blocks}


def link_to_preview_prompt() -> SlackMessage:
    """For someone in user mode who pasted a Zoom link without a Zoom link of their own."""
    text = (
        ":link: I can preview Zoom meeting links you paste once your Zoom account is linked: "
        "run `/zoom link`. (Only meetings your Zoom account can see get a preview. "
        "I'll mention this at most once a day.)"
    )
    return message("Link Zoom to preview Zoom links", [section(text)])


def personal_room_card(user: ZoomUserLike, *, url: str) -> SlackMessage:
    """`/zoom join me`: the caller's personal meeting room, with its Join button, for the channel."""
    name = display_name(user)
    pmi = str(user.pmi or "")
    shown = format_meeting_id(int(pmi)) if pmi.isascii() and pmi.isdigit() else escape(pmi)
    text = f"*{escape(name)}'s personal meeting room*\nPersonal Meeting ID `{shown}`"
    join = button("Join", action_id=ACTION_JOIN, url=url, value=pmi or None, style="primary")
    return message(f"Join {escape(name)}'s personal meeting room", [section(text, accessory=join)])


__all__ = ["link_to_preview_prompt", "meeting_unfurl", "personal_room_card"]
