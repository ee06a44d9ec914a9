"""Block Kit pieces with Slack's limits applied by construction.

Every helper cuts its text to the limit of the field it fills, so a long topic or a
chatty Zoom message can make a reply shorter but never invalid.
"""

from __future__ import annotations

from typing import Any, TypedDict

from bot.slack.mrkdwn import truncate

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_SURFACE_BLOCKS = 100  # modals and the Home tab
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_MODAL_TITLE = 24
MAX_FALLBACK_TEXT = 3000  # Slack allows 40k; notifications show far less


class SlackMessage(TypedDict):
    """Keyword arguments for ``respond`` / ``chat.postMessage``: blocks plus the fallback text."""

    text: str
    blocks: list[Block]


def plain(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, limit) or " "}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id is not None:
        block["block_id"] = block_id
    return block


def fields_section(fields: list[str]) -> Block:
    return {"type": "section", "fields": [mrkdwn(f, MAX_FIELD_TEXT) for f in fields[:10]]}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:MAX_CONTEXT_ELEMENTS]]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    *,
    action_id: str,
    url: str | None = None,
    value: str | None = None,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    element: Block = {"type": "button", "text": plain(text, MAX_BUTTON_TEXT), "action_id": action_id}
    if url:
        element["url"] = url[:MAX_URL]
    if value:
        element["value"] = value[:MAX_BUTTON_VALUE]
    if style:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm_dialog(
    title: str, text: str, *, confirm: str, deny: str = "Cancel", danger: bool = False
) -> Block:
    """Slack's own "are you sure?" dialog on a button (titles 100, texts 300, buttons 30 characters)."""
    dialog: Block = {
        "title": plain(title, 100),
        "text": mrkdwn(text, 300),
        "confirm": plain(confirm, 30),
        "deny": plain(deny, 30),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def fallback(text: str) -> str:
    return truncate(text, MAX_FALLBACK_TEXT) or " "


def message(text: str, blocks: list[Block]) -> SlackMessage:
    if len(blocks) > MAX_MESSAGE_BLOCKS:  # builders stay under this; a guard, not a plan
        raise ValueError(f"{len(blocks)} blocks in one message (Slack allows {MAX_MESSAGE_BLOCKS})")
    return {"text": fallback(text), "blocks": blocks}
