"""A meeting that lives in the channel: its Join card as the meeting goes, and its thread.

The card is drawn from stored state only (topic, Join URL, what Zoom's webhooks said), so
any process can redraw it. Thread posts carry share links only: a recording's ``share_url``,
never a ``download_url`` (those work with a token) and never the host's start URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.services.recording_actions import RecordingRef
from bot.slack.mrkdwn import date_token, escape, format_meeting_id, link
from bot.slack.views._blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    header,
    message,
    section,
)
from bot.slack.views.recordings import trash_button_for
from bot.slack.views.slack_calls import with_call

ACTION_JOIN = "join_meeting"  # the same URL button as every Join card (the listener only acks it)
ACTION_SHARE_SUMMARY = "share_summary_in_thread"  # value: the meeting post's id
BLOCK_SHARE_SUMMARY = "share_summary"
MAX_SUMMARY_SECTIONS = 8  # a long summary is cut, with the link to the whole document
_SAFE_URL = re.compile(r"https://[^\s<>|]{1,2000}")


@dataclass(frozen=True)
class CardState:
    """What a card shows. ``status``: None (not started), "started" or "ended"."""

    meeting_id: int
    topic: str
    join_url: str | None
    status: str | None = None
    participants: int = 0
    started_at: datetime | None = None
    ended_at: datetime | None = None
    call_id: str | None = None  # the Slack call the card carries (it stays through every redraw)


def _is_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("https://", "http://"))


def _join(state: CardState) -> Block | None:
    if not _is_url(state.join_url):
        return None
    assert state.join_url is not None
    return button(
        "Join", action_id=ACTION_JOIN, url=state.join_url, value=str(state.meeting_id), style="primary"
    )


def lasted_minutes(started_at: datetime | None, ended_at: datetime | None) -> int | None:
    if started_at is None or ended_at is None or ended_at < started_at:
        return None
    return max(1, round((ended_at - started_at).total_seconds() / 60))


def _people(count: int) -> str:
    return f"{count} in the meeting" if count else "nobody in the meeting yet"


def live_card(state: CardState) -> SlackMessage:
    """The channel's Join card: in progress with a head count, or ended (without a Join button).

    A card posted with a Slack call keeps its ``call`` block in every state: ``chat.update``
    replaces all blocks, so leaving it out would take the call off the message.
    """
    card = _card(state)
    return with_call(card, state.call_id, None if state.status == "ended" else state.join_url)


def _card(state: CardState) -> SlackMessage:
    topic = escape(state.topic)
    meeting = f"Meeting ID `{format_meeting_id(state.meeting_id)}`"
    if state.status == "ended":
        minutes = lasted_minutes(state.started_at, state.ended_at)
        lasted = f" · lasted {minutes} min" if minutes is not None else ""
        when = f"Ended {date_token(state.ended_at, '{time}', fallback_tz=UTC)} · " if state.ended_at else ""
        blocks = [section(f":white_check_mark: *{topic}*\nended{lasted}"), context(when + meeting)]
        return message(f"{state.topic} ended{lasted}", blocks)
    if state.status == "started":
        line = f":red_circle: *{topic}*\nin progress · {_people(state.participants)}"
        blocks = [section(line, accessory=_join(state)), context(meeting)]
        return message(f"{state.topic}: in progress, {_people(state.participants)}", blocks)
    blocks = [section(f"*{topic}*\nNot started yet", accessory=_join(state)), context(meeting)]
    return message(f"Zoom meeting: {state.topic}", blocks)


# -- the meeting's thread ---------------------------------------------------------------------


def _share_link(url: str, label: str) -> str | None:
    return link(url, label) if _SAFE_URL.fullmatch(url) else None


def recording_ready(topic: str, share_url: str, ref: RecordingRef | None = None) -> SlackMessage:
    """In the card's thread once Zoom finished the cloud recording; the host may trash it from here."""
    text = f":movie_camera: The recording of *{escape(topic)}* is ready"
    # A plain mrkdwn link (no button: URL buttons need a listener to acknowledge them).
    shared = _share_link(share_url, "watch it here")
    text += f": {shared}." if shared else ". `/zoom recordings` lists it."
    trash = trash_button_for(topic, ref) if ref is not None else None
    return message(f"Recording ready: {topic}", [section(text, accessory=trash, block_id="recording_ready")])


def transcript_ready(topic: str, share_url: str) -> SlackMessage:
    """In the card's thread once Zoom finished the recording's transcript."""
    text = f":page_facing_up: The transcript of *{escape(topic)}* is ready"
    shared = _share_link(share_url, "open it with the recording")
    text += f": {shared}." if shared else ". `/zoom recordings` lists the recording it belongs to."
    return message(f"Transcript ready: {topic}", [section(text)])


@dataclass(frozen=True)
class Summary:
    """An AI Companion meeting summary, as Zoom gives it (Markdown in ``content``)."""

    topic: str
    title: str
    content: str
    doc_url: str | None = None


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def markdown_to_mrkdwn(markdown: str) -> str:
    """Zoom's Markdown as Slack mrkdwn: headings and **bold** become *bold*, bullets become •."""
    lines = []
    for raw in markdown.splitlines():
        text = escape(raw.rstrip())
        heading = _HEADING.match(text)
        if heading:
            title = _BOLD.sub(r"\1", heading.group(1)).strip()
            lines.append(f"*{title}*")
            continue
        bullet = _BULLET.match(text)
        if bullet:
            depth = len(bullet.group(1).expandtabs(4)) // 2
            text = f"{'    ' * depth}• {bullet.group(2)}"
        lines.append(_BOLD.sub(r"*\1*", text))
    return "\n".join(lines).strip()


def _chunks(text: str, size: int) -> list[str]:
    """Split at line ends into pieces of at most ``size`` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:  # one very long line: cut it hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def summary_blocks(summary: Summary) -> list[Block]:
    """The summary itself: a header, the content in sections, the link to the whole document."""
    blocks: list[Block] = [header(f"Summary: {summary.title or summary.topic}")]
    body = markdown_to_mrkdwn(summary.content) or "_Zoom sent an empty summary._"
    pieces = _chunks(body, MAX_SECTION_TEXT - 10)
    for piece in pieces[:MAX_SUMMARY_SECTIONS]:
        blocks.append(section(piece))
    doc = _share_link(summary.doc_url or "", "the whole summary in Zoom Docs")
    cut = len(pieces) > MAX_SUMMARY_SECTIONS
    if doc or cut:
        note = "…the summary goes on. " if cut else ""
        blocks.append(context(f"{note}Read {doc}." if doc else f"{note}The host can read all of it in Zoom."))
    blocks.append(context(":sparkles: Written by Zoom's AI Companion; check it before you rely on it."))
    return blocks[:MAX_MESSAGE_BLOCKS]


def summary_in_thread(summary: Summary) -> SlackMessage:
    return message(f"Meeting summary: {summary.topic}", summary_blocks(summary))


def summary_for_host(summary: Summary, *, post_id: int, channel_id: str) -> SlackMessage:
    """To the host first (the meeting was in a private channel or DM), with a button to share it."""
    intro = section(
        f"Zoom summarised *{escape(summary.topic)}*. The meeting's card is in a private conversation "
        f"(<#{channel_id}>), so only you see this until you share it there."
    )
    share = actions(
        button("Share in the thread", action_id=ACTION_SHARE_SUMMARY, value=str(post_id), style="primary"),
        block_id=BLOCK_SHARE_SUMMARY,
    )
    blocks = [intro, *summary_blocks(summary)][: MAX_MESSAGE_BLOCKS - 1] + [share]
    return message(f"Your meeting summary: {summary.topic}", blocks)


def shared_summary_for_host(blocks: list[Block], channel_id: str) -> SlackMessage:
    """The host's copy once shared: the same summary, the button replaced by a note."""
    kept = [b for b in blocks if b.get("block_id") != BLOCK_SHARE_SUMMARY][: MAX_MESSAGE_BLOCKS - 1]
    kept.append(context(f":white_check_mark: Shared in the meeting's thread in <#{channel_id}>."))
    return message("Meeting summary shared", kept)


def summary_from_host_copy(blocks: list[Block]) -> list[Block]:
    """The summary part of the host's copy (without the intro and the button), for the thread."""
    start = next((i for i, b in enumerate(blocks) if b.get("type") == "header"), None)
    if start is None:
        return []
    return [
        b for b in blocks[start:] if b.get("block_id") != BLOCK_SHARE_SUMMARY and b.get("type") != "actions"
    ]
