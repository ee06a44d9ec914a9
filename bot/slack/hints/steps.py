"""Wording for the Workflow Builder step "Create a Zoom meeting": its inputs, and a host without Zoom.

The step's failures reach the person who ran the workflow through Slack's workflow error
(``functions.completeError``), so each names the step's own fields ("Host", "Start") and the
fix in Workflow Builder or in Slack, never a `/zoom` usage line they did not type.
"""

from __future__ import annotations

from bot.slack.hints.hint import Hint
from bot.slack.mrkdwn import escape

STEP_TITLE = "Create a Zoom meeting"  # as Workflow Builder lists the step (manifest.yml)


class StepInputError(Exception):
    """An input of the workflow step we cannot use; ``message`` is safe to show, ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def step_input_hint(error: StepInputError) -> Hint:
    return Hint(
        f"The “{STEP_TITLE}” step can't use its {error.field}",
        escape(error.message),
        None,
        f"Open the workflow in Workflow Builder, edit the “{STEP_TITLE}” step's {escape(error.field)}, "
        "then run the workflow again.",
    )


def step_host_not_linked_hint(host_name: str) -> Hint:
    who = escape(host_name)
    return Hint(
        "The meeting's host hasn't linked Zoom",
        f"{who} hasn't linked a Zoom account to zoombot, so the step can't create a meeting on their Zoom.",
        None,
        f"{who} runs `/zoom link` in Slack once (it takes a few seconds); then run the workflow again. "
        "Or set the step's Host to someone who has linked Zoom.",
    )
