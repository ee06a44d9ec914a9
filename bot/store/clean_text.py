"""Text the databases would refuse is cleaned on its way in, for every statement and column.

PostgreSQL refuses NUL (``\\x00``) in text and any string that is not valid UTF-8; a lone
surrogate (JSON's ``"\\ud800"`` decodes to one) cannot be encoded at all, on either
backend. Zoom and Slack send such text now and then (a meeting topic with a NUL in it),
and a refused statement loses the event it carried. So every string parameter of every
statement — ORM, Core, slack_sdk's stores — passes through :func:`clean` at the cursor:
NUL is dropped, a lone surrogate becomes U+FFFD. Both backends store the same text.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value: str) -> str:
    """``value`` without NUL and with lone surrogates replaced: storable on both backends."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = _SURROGATE.sub("\ufffd", value)
    return value


def _dirty(value: object) -> bool:
    return isinstance(value, str) and clean(value) is not value


def clean_parameters(parameters: Any) -> Any:
    """The same shape (a tuple, list or dict of values; a list of those for executemany)."""
    if isinstance(parameters, dict):
        if any(_dirty(v) or isinstance(v, list | tuple | dict) for v in parameters.values()):
            return {k: _clean_value(v) for k, v in parameters.items()}
        return parameters
    if isinstance(parameters, list | tuple):
        if any(_dirty(v) or isinstance(v, list | tuple | dict) for v in parameters):
            return type(parameters)(_clean_value(v) for v in parameters)
        return parameters
    return parameters


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple | dict):
        return clean_parameters(value)
    return value


def install_text_cleaning(engine: AsyncEngine | Engine) -> None:
    """Clean the string parameters of every statement ``engine`` runs."""

    target = engine.sync_engine if isinstance(engine, AsyncEngine) else engine

    @event.listens_for(target, "before_cursor_execute", retval=True)
    def _before(
        connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> tuple[str, Any]:
        return statement, clean_parameters(parameters)
