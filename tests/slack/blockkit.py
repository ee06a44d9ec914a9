"""Validate Block Kit payloads against the community JSON schema (offline).

``assert_valid_blocks(blocks)``, ``assert_valid_modal(view)``, ``assert_valid_home(view)``
and ``assert_valid_message(msg)`` fail with the most relevant schema error, and also
check the rules the schema leaves out: 50 blocks per message, unique block ids.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

# Vendored with its provenance in tests/contracts/slack/SOURCE.md.
SCHEMA_PATH = (
    Path(__file__).resolve().parents[1] / "contracts" / "slack" / "tightknit-slack-block-kit.schema.json"
)
MAX_MESSAGE_BLOCKS = 50


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    schema = _schema()
    if definition is not None:
        # Validate against one $defs entry while keeping "#/$defs/..." refs resolvable.
        schema = {**schema, "$ref": f"#/$defs/{definition}"}
        for key in ("type", "minItems", "maxItems", "items"):
            schema.pop(key, None)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _check(validator: Draft202012Validator, payload: Any, what: str) -> None:
    error = best_match(validator.iter_errors(payload))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path)
        raise AssertionError(f"invalid {what} at /{path}: {error.message}")


def _urls_absolute(node: Any) -> None:
    """The schema says ``format: uri`` but jsonschema checks it only with extra packages."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url":
                parts = urlsplit(value)
                assert parts.scheme in ("http", "https") and parts.netloc, f"not an absolute URL: {value!r}"
            _urls_absolute(value)
    elif isinstance(node, list):
        for item in node:
            _urls_absolute(item)


def _unique_block_ids(blocks: list[dict[str, Any]]) -> None:
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate block_id(s): {sorted(duplicates)}"


def assert_valid_blocks(blocks: list[dict[str, Any]], *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> None:
    _check(_validator(None), blocks, "blocks")
    assert len(blocks) <= max_blocks, f"{len(blocks)} blocks (limit {max_blocks})"
    _unique_block_ids(blocks)
    _urls_absolute(blocks)


def assert_valid_message(message: Any) -> None:
    """A chat message: blocks valid, at most 50, plus a non-empty top-level fallback ``text``."""
    assert isinstance(message.get("text"), str) and message["text"].strip(), "message needs fallback text"
    assert_valid_blocks(message["blocks"])


def assert_valid_modal(view: Any) -> None:
    _check(_validator("modal_view"), view, "modal view")
    _unique_block_ids(view["blocks"])
    _urls_absolute(view)


def assert_valid_home(view: Any) -> None:
    _check(_validator("home_view"), view, "home view")
    _unique_block_ids(view["blocks"])
    _urls_absolute(view)
