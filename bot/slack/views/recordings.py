"""Cloud recordings with their share links (`/zoom recordings`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.slack.mrkdwn import date_token, escape, link
from bot.slack.views._blocks import MAX_MESSAGE_BLOCKS, Block, SlackMessage, context, header, message, section
from bot.slack.views._types import RecordingLike

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
    for recording in recordings[:MAX_RECORDINGS_SHOWN]:
        blocks.append(section(_line(recording, viewer_tz)))
    hidden = len(recordings) - MAX_RECORDINGS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more. Try a shorter period, like `/zoom recordings 3`."))
    return message(f"{title}: {len(recordings)}", blocks)
