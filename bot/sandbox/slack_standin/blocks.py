"""Block Kit limits that Slack enforces server-side, checked the way Slack reports them.

Slack answers ``{"ok": false, "error": "invalid_blocks", "errors": ["<why> [json-pointer:/blocks/3/text]"]}``
when a payload breaks a limit. The stand-in does the same, so a test that renders too many
meetings or too long a topic fails like production would instead of passing silently.
Only the limits zoombot can plausibly hit are checked; this is not a full validator.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_ID = 255
MAX_VIEW_TITLE = 24


def block_errors(blocks: Any, *, max_blocks: int, pointer: str = "/blocks") -> list[str]:
    """Every limit the blocks break, as Slack words them; empty when they are acceptable."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"must be less than {max_blocks + 1} items [json-pointer:{pointer}]")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"must provide an object with a type [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_ids:
                errors.append(f"duplicate block_id {block_id!r} [json-pointer:{where}/block_id]")
            seen_ids.add(block_id)
            errors += _too_long(block_id, MAX_ID, f"{where}/block_id")
        errors += _block_errors(block, where)
    return errors


def view_errors(view: Any) -> list[str]:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return ["view must be an object of type modal or home [json-pointer:/view/type]"]
    errors = block_errors(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    for key in ("title", "submit", "close"):
        errors += _text_object_errors(view.get(key), MAX_VIEW_TITLE, f"/view/{key}")
    return errors


def _block_errors(block: dict[str, Any], where: str) -> list[str]:
    kind = block["type"]
    if kind == "section":
        return _section_errors(block, where)
    if kind == "header":
        text = block.get("text")
        if not isinstance(text, dict) or text.get("type") != "plain_text":
            return [f"must be a plain_text object [json-pointer:{where}/text]"]
        return _text_object_errors(text, MAX_HEADER_TEXT, f"{where}/text")
    if kind == "actions":
        return _elements_errors(block, MAX_ACTIONS_ELEMENTS, where)
    if kind == "context":
        return _elements_errors(block, MAX_CONTEXT_ELEMENTS, where)
    if kind == "call":
        call_id = block.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            return [f"must provide a call_id [json-pointer:{where}/call_id]"]
        return _too_long(call_id, MAX_ID, f"{where}/call_id")
    return []


def _section_errors(block: dict[str, Any], where: str) -> list[str]:
    text, fields = block.get("text"), block.get("fields")
    if text is None and fields is None:
        return [f"must provide text or fields [json-pointer:{where}]"]
    errors: list[str] = []
    if text is not None:
        errors += _text_object_errors(text, MAX_SECTION_TEXT, f"{where}/text")
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > MAX_SECTION_FIELDS:
            errors.append(f"must be less than {MAX_SECTION_FIELDS + 1} items [json-pointer:{where}/fields]")
        else:
            for i, field in enumerate(fields):
                errors += _text_object_errors(field, MAX_FIELD_TEXT, f"{where}/fields/{i}")
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        errors += _element_errors(accessory, f"{where}/accessory")
    return errors


def _elements_errors(block: dict[str, Any], limit: int, where: str) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements:
        return [f"must provide at least one element [json-pointer:{where}/elements]"]
    errors: list[str] = []
    if len(elements) > limit:
        errors.append(f"must be less than {limit + 1} items [json-pointer:{where}/elements]")
    for i, element in enumerate(elements):
        if isinstance(element, dict):
            errors += _element_errors(element, f"{where}/elements/{i}")
    return errors


def _element_errors(element: dict[str, Any], where: str) -> list[str]:
    errors: list[str] = []
    if isinstance(element.get("action_id"), str):
        errors += _too_long(element["action_id"], MAX_ID, f"{where}/action_id")
    if element.get("type") == "button":
        errors += _text_object_errors(element.get("text"), MAX_BUTTON_TEXT, f"{where}/text")
        if isinstance(element.get("value"), str):
            errors += _too_long(element["value"], MAX_BUTTON_VALUE, f"{where}/value")
        if isinstance(element.get("url"), str):
            errors += _too_long(element["url"], MAX_URL, f"{where}/url")
    return errors


def _text_object_errors(obj: Any, limit: int, where: str) -> list[str]:
    if obj is None:
        return []
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return [f"must be a text object [json-pointer:{where}]"]
    text = obj["text"]
    if not text:
        return [f"must be more than 0 characters [json-pointer:{where}/text]"]
    return _too_long(text, limit, f"{where}/text")


def _too_long(value: str, limit: int, where: str) -> list[str]:
    if len(value) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}]"]
    return []
