"""A modal as a terminal form: one question per input block, answers shaped like Slack's state.

``form_fields(view)`` lists the questions; ``read_answer(field, text, ...)`` turns what
the person typed into the ``view.state.values`` entry Slack would send for that input
(or raises :class:`AnswerError` saying what to type instead). Nothing here talks to the
network: the session asks the questions and submits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.sandbox.render import text_object

CANCEL_WORD = "!cancel"  # typed at any question: close the modal without submitting
CHANNEL_SELECTS = ("conversations_select", "channels_select")


class AnswerError(ValueError):
    """What the person typed does not fit the input; the message says what would."""


@dataclass(frozen=True)
class Choice:
    label: str
    option: dict[str, Any]  # the option object exactly as the view has it


@dataclass(frozen=True)
class FormField:
    block_id: str
    action_id: str
    label: str
    kind: str  # the element type: plain_text_input, datepicker, timepicker, static_select, ...
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    initial: Any = None  # the element's initial value, already in state form (see _initial)
    initial_shown: str | None = None  # how the initial value reads, for the prompt
    current_conversation: bool = False  # conversations_select defaulting to where the command ran

    def question(self, *, channel_default: str | None = None) -> str:
        """The prompt line: label, what to type, and the default an empty answer takes.

        ``channel_default`` is how a channel select's default reads (``#general``): the
        form only knows channel ids, the session knows their names.
        """
        hint = _HINTS.get(self.kind, "")
        default = self.initial_shown or channel_default
        parts = [self.label]
        if hint:
            parts.append(f"({hint})")
        if default is not None:
            parts.append(f"[{default}]")
        elif self.optional:
            parts.append("[optional]")
        return " ".join(parts) + ": "


_HINTS = {
    "datepicker": "YYYY-MM-DD, today or tomorrow",
    "timepicker": "HH:MM or 3pm",
    "static_select": "number or name",
    "conversations_select": "#channel",
    "channels_select": "#channel",
    "users_select": "@person",
}


def form_fields(view: dict[str, Any]) -> list[FormField]:
    """The input blocks of a modal, in order."""
    fields: list[FormField] = []
    for block in view.get("blocks") or []:
        if not isinstance(block, dict) or block.get("type") != "input":
            continue
        element = block.get("element") or {}
        kind = str(element.get("type") or "")
        choices = tuple(
            Choice(text_object(option.get("text")), option)
            for option in element.get("options") or []
            if isinstance(option, dict)
        )
        initial, shown = _initial(kind, element)
        fields.append(
            FormField(
                block_id=str(block.get("block_id") or ""),
                action_id=str(element.get("action_id") or ""),
                label=text_object(block.get("label")),
                kind=kind,
                optional=bool(block.get("optional")),
                choices=choices,
                initial=initial,
                initial_shown=shown,
                current_conversation=bool(element.get("default_to_current_conversation")),
            )
        )
    return fields


def _initial(kind: str, element: dict[str, Any]) -> tuple[Any, str | None]:
    if kind == "plain_text_input" and element.get("initial_value"):
        return element["initial_value"], str(element["initial_value"])
    if kind == "datepicker" and element.get("initial_date"):
        return element["initial_date"], str(element["initial_date"])
    if kind == "timepicker" and element.get("initial_time"):
        return element["initial_time"], str(element["initial_time"])
    if kind == "static_select" and isinstance(element.get("initial_option"), dict):
        option = element["initial_option"]
        return option, text_object(option.get("text"))
    if kind in CHANNEL_SELECTS:
        initial = element.get("initial_conversation") or element.get("initial_channel")
        if initial:
            return initial, None  # shown by name by the session (it knows the names)
    return None, None


_STATE_KEY = {
    "plain_text_input": "value",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "static_select": "selected_option",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "users_select": "selected_user",
}


def state_entry(field_: FormField, value: Any) -> dict[str, Any]:
    """``{"type": ..., "<key>": value}`` — one action's entry in ``view.state.values``."""
    key = _STATE_KEY.get(field_.kind, "value")
    return {"type": field_.kind, key: value}


def read_answer(
    field_: FormField,
    answer: str,
    *,
    today: date,
    channel_id_for: Callable[[str], str | None],
    current_channel: str | None,
    user_id_for: Callable[[str], str | None] = lambda name: None,
) -> dict[str, Any]:
    """The state entry for ``answer`` (stripped). An empty answer takes the default."""
    text = answer.strip()
    if not text:
        if field_.initial is not None:
            return state_entry(field_, field_.initial)
        if field_.current_conversation and current_channel:
            return state_entry(field_, current_channel)
        if field_.optional:
            return state_entry(field_, None)
        raise AnswerError("this one is required")
    if field_.kind == "plain_text_input":
        return state_entry(field_, text)
    if field_.kind == "datepicker":
        return state_entry(field_, _date(text, today).isoformat())
    if field_.kind == "timepicker":
        return state_entry(field_, _time(text))
    if field_.kind == "static_select":
        return state_entry(field_, _choice(field_, text).option)
    if field_.kind in CHANNEL_SELECTS:
        channel = channel_id_for(text.lstrip("#").lower())
        if channel is None:
            raise AnswerError(f"there is no channel {text!r} here")
        return state_entry(field_, channel)
    if field_.kind == "users_select":
        user = user_id_for(text.lstrip("@").lower())
        if user is None:
            raise AnswerError(f"there is nobody called {text!r} here")
        return state_entry(field_, user)
    raise AnswerError(f"the sandbox cannot fill a {field_.kind} input")


def _date(text: str, today: date) -> date:
    word = text.lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AnswerError("type a date like 2030-01-31, or today / tomorrow") from None


_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", re.IGNORECASE)


def _time(text: str) -> str:
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise AnswerError("type a time like 09:30, 14:00 or 3pm")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise AnswerError("with am/pm the hour is 1 to 12")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        raise AnswerError("type a time like 09:30, 14:00 or 3pm")
    if hour > 23 or minute > 59:
        raise AnswerError("type a time like 09:30, 14:00 or 3pm")
    return f"{hour:02d}:{minute:02d}"


def _choice(field_: FormField, text: str) -> Choice:
    if text.isdigit() and 1 <= int(text) <= len(field_.choices):
        return field_.choices[int(text) - 1]
    for choice in field_.choices:
        if choice.label.lower() == text.lower():
            return choice
    raise AnswerError(f"pick 1 to {len(field_.choices)}")


def numbered_choices(field_: FormField) -> list[str]:
    return [f"  {number}) {choice.label}" for number, choice in enumerate(field_.choices, start=1)]
