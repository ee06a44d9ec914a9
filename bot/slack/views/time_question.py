"""The question for a time that reads two ways: each reading as a button that completes the command."""

from __future__ import annotations

from bot.slack.mrkdwn import escape
from bot.slack.views._blocks import MAX_BUTTON_VALUE, SlackMessage, actions, button, context, message, section

ACTION_TIME_CHOICE = "time_choice"  # + "_<n>"; value: the `/zoom` text with that reading
BLOCK_TIME_CHOICE = "time_choice"


def time_question(question: str, choices: list[tuple[str, str]]) -> SlackMessage:
    """``question`` and one button per (label, command text); a text too long for a button is left out."""
    buttons = [
        button(label, action_id=f"{ACTION_TIME_CHOICE}_{n}", value=text)
        for n, (label, text) in enumerate(choices)
        if len(text) <= MAX_BUTTON_VALUE
    ]
    typed = " or ".join(f"`/zoom {escape(text)}`" for _, text in choices)
    blocks = [section(f":thinking_face: {question}")]
    if buttons:
        blocks.append(actions(*buttons, block_id=BLOCK_TIME_CHOICE))
    blocks.append(context(f"Nothing changes until you pick one. You can also type {typed}."))
    return message(question, blocks)
