"""A meeting card with its Slack call: the ``call`` block, and a plain Join link for clients without it.

Slack draws a ``call`` block (``calls.add`` gave the id) as its own call widget: who is in
the call, a Join button, and "ended" once ``calls.end`` went out. Clients that do not draw
call blocks (older apps, notifications, screen readers reading the fallback) still get the
Join link in the message text and in a context line.
"""

from __future__ import annotations

from bot.slack.mrkdwn import link
from bot.slack.views._blocks import MAX_MESSAGE_BLOCKS, Block, SlackMessage, context, fallback

BLOCK_CALL = "slack_call"
BLOCK_CALL_LINK = "slack_call_link"
MAX_CALL_ID = 32  # Slack's call ids are short ("R0E69JAIF"); anything longer is not one


def call_block(call_id: str) -> Block:
    """Slack's ``call`` block: ``type``, ``call_id`` and an optional ``block_id``."""
    return {"type": "call", "call_id": call_id, "block_id": BLOCK_CALL}


def with_call(card: SlackMessage, call_id: str | None, join_url: str | None) -> SlackMessage:
    """``card`` with the call under its first block; the Join link stays in the text and a context line.

    Without a call id the card is returned as it is: a card never depends on the call.
    """
    if not call_id or len(call_id) > MAX_CALL_ID:
        return card
    blocks = list(card["blocks"])
    extra: list[Block] = [call_block(call_id)]
    text = card["text"]
    if join_url and join_url.startswith(("https://", "http://")):
        extra.append(
            {**context(f"Not seeing the call? {link(join_url, 'Join in Zoom')}"), "block_id": BLOCK_CALL_LINK}
        )
        text = f"{text} · Join: {join_url}"
    blocks[1:1] = extra
    return {"text": fallback(text), "blocks": blocks[:MAX_MESSAGE_BLOCKS]}
