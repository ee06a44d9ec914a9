"""Cloud recordings with their share links (`/zoom recordings`), and the trash (`… trash`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.services.recording_actions import TRASH_DAYS, RecordingRef
from bot.slack.mrkdwn import date_token, escape, link, truncate
from bot.slack.views._blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    SlackMessage,
    button,
    confirm_dialog,
    context,
    header,
    message,
    section,
)
from bot.slack.views._types import RecordingLike

ACTION_RECORDING_TRASH = "recording_trash"  # value: RecordingRef.value()
ACTION_RECORDING_RECOVER = "recording_recover"  # value: RecordingRef.value()

MAX_RECORDINGS_SHOWN = MAX_MESSAGE_BLOCKS - 5


def human_size(size: int | None) -> str:
    if not size or size < 0:
        return "size unknown"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def _line(recording: RecordingLike, viewer_tz: tzinfo) -> str:
    start = recording.start_time
    when = (
        date_token(start, "{date_short_pretty} at {time}", fallback_tz=viewer_tz) if start else "Date unknown"
    )
    files = len(recording.files)
    details = f"{when} · {files} file{'s' if files != 1 else ''} · {human_size(recording.total_size)}"
    title = f"*{escape(recording.topic)}*"
    share = recording.share_url
    if share and share.startswith(("https://", "http://")):
        return f"{title}\n{details} · {link(share, 'Open recording')}"
    return f"{title}\n{details}"


def recordings_list(recordings: Sequence[RecordingLike], *, viewer_tz: tzinfo, days: int = 7) -> SlackMessage:
    title = f"Cloud recordings, last {days} day{'s' if days != 1 else ''}"
    blocks: list[Block] = [header(title)]
    if not recordings:
        blocks.append(section("No cloud recordings in that time."))
        return message(f"{title}: none", blocks)
    for n, recording in enumerate(recordings[:MAX_RECORDINGS_SHOWN]):
        blocks.append(
            section(_line(recording, viewer_tz), accessory=trash_button(recording), block_id=f"recording_{n}")
        )
    hidden = len(recordings) - MAX_RECORDINGS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more. Try a shorter period, like `/zoom recordings 3`."))
    return message(f"{title}: {len(recordings)}", blocks)


def trash_button(recording: RecordingLike) -> Block | None:
    """*Move to trash*, after Slack's confirm dialog; None when the recording can't be named."""
    ref = RecordingRef.of(recording.uuid, recording.start_time)
    return trash_button_for(recording.topic, ref) if ref is not None else None


def trash_button_for(topic_text: str, ref: RecordingRef) -> Block:
    topic = escape(truncate(topic_text or "this meeting", 80))
    dialog = confirm_dialog(
        "Move to Zoom's trash?",
        f"The recording of *{topic}* goes to the trash. You can recover it for {TRASH_DAYS} days "
        "with `/zoom recordings trash`; then Zoom deletes it.",
        confirm="Move to trash",
        deny="Keep it",
        danger=True,
    )
    return button("Move to trash", action_id=ACTION_RECORDING_TRASH, value=ref.value(), confirm=dialog)


def trash_list(recordings: Sequence[RecordingLike], *, viewer_tz: tzinfo) -> SlackMessage:
    """`/zoom recordings trash`: what is in the trash, each with *Recover*."""
    title = "Your recordings in Zoom's trash"
    blocks: list[Block] = [header(title)]
    if not recordings:
        blocks.append(section("Nothing in the trash from the last 30 days."))
        return message(f"{title}: none", blocks)
    for n, recording in enumerate(recordings[:MAX_RECORDINGS_SHOWN]):
        ref = RecordingRef.of(recording.uuid, recording.start_time)
        recover = (
            button("Recover", action_id=ACTION_RECORDING_RECOVER, value=ref.value(), style="primary")
            if ref is not None
            else None
        )
        blocks.append(section(_line(recording, viewer_tz), accessory=recover, block_id=f"trashed_{n}"))
    blocks.append(context(f"Zoom deletes what has been in the trash for {TRASH_DAYS} days."))
    return message(f"{title}: {len(recordings)}", blocks)


def recording_moved(topic: str, *, to_trash: bool) -> SlackMessage:
    if to_trash:
        text = (
            f":wastebasket: The recording of *{escape(topic)}* is in Zoom's trash. "
            f"`/zoom recordings trash` recovers it within {TRASH_DAYS} days."
        )
    else:
        text = f":recycle: The recording of *{escape(topic)}* is back from the trash."
    return message(text, [section(text)])
