"""Every user-facing failure text, in one place: :func:`hint_for` picks the wording for any error.

A reply about a failure always says **what** failed in plain words, **why** (Zoom's
code and message, quoted, plus its tracking id — or, when zoombot itself refused, its own
rule in its own words), and **what to do** (the exact command, or the Zoom setting an
admin must change). :func:`hint_for` maps any exception to a
:class:`Hint`; the usage table (:data:`USAGE`) is shared with the command grammar and
the help text so the three never disagree.

Zoom's and users' words are escaped before they reach mrkdwn, and anything shaped like
a URL or a token is removed from them first: no start URL, token or response URL can
leak through a hint.

One module per kind of wording: ``usage`` (usage lines, the grammar's error, help text),
``zoom`` (Zoom's failures), ``refusals`` (zoombot's own refusals), ``steps`` (the
Workflow Builder step), ``pages`` (the Zoom link page), ``redact`` (quoting other people's
words), ``hint`` (the Hint itself).
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from bot.services.account_reports import PeriodError
from bot.services.people import HostLookupError
from bot.services.refusals import Refusal
from bot.services.reminders import ReminderError
from bot.services.when import WhenError
from bot.slack.capacity import Overloaded
from bot.slack.hints.hint import Hint, Mode, new_reference
from bot.slack.hints.outage import database_down_hint, database_down_page, slack_scope_missing_hint
from bot.slack.hints.pages import link_outcome_page
from bot.slack.hints.periods import period_hint
from bot.slack.hints.redact import quote_external
from bot.slack.hints.refusals import (
    attendance_unavailable_hint,
    host_hint,
    no_personal_room_hint,
    refusal_hint,
    share_refused_hint,
)
from bot.slack.hints.steps import StepInputError, step_host_not_linked_hint, step_input_hint
from bot.slack.hints.usage import (
    SHORTCUTS_LINE,
    USAGE,
    LinkStatus,
    Usage,
    UsageError,
    help_text,
    link_status_line,
    usage_fix,
    usage_lines,
)
from bot.slack.hints.zoom import (
    SHARED_ACCESS_ARTICLE,
    idle_link_refused_hint,
    refresh_in_progress_hint,
    zoom_hint,
)
from bot.slack.mrkdwn import escape
from bot.store.outage import is_database_outage
from bot.zoom.errors import NotLinkedError, RefreshInProgress, ZoomError

__all__ = [
    "SHARED_ACCESS_ARTICLE",
    "USAGE",
    "attendance_unavailable_hint",
    "Hint",
    "LinkStatus",
    "Mode",
    "Usage",
    "UsageError",
    "database_down_hint",
    "database_down_page",
    "help_text",
    "hint_for",
    "idle_link_refused_hint",
    "link_outcome_page",
    "link_status_line",
    "new_reference",
    "no_personal_room_hint",
    "quote_external",
    "share_refused_hint",
    "slack_scope_missing_hint",
    "SHORTCUTS_LINE",
    "StepInputError",
    "step_host_not_linked_hint",
    "usage_lines",
]


def hint_for(
    error: BaseException,
    *,
    mode: Mode,
    operation: str | None = None,
    tz: tzinfo = UTC,
    reference: str | None = None,
) -> Hint:
    """Explain ``error`` to the person who ran the command.

    ``operation`` ("create a meeting") overrides the one a ``ZoomError`` carries; ``tz``
    writes fallback times in the reader's zone; ``reference`` (else a fresh one, for
    unexpected errors) lets the caller log the details under the id the user sees.
    """
    if isinstance(error, RefreshInProgress):
        return refresh_in_progress_hint(operation or error.operation or "do that")
    if isinstance(error, ZoomError):
        return zoom_hint(error, mode, operation or error.operation or "do that", tz, reference)
    if isinstance(error, Refusal):
        return refusal_hint(error, operation or error.operation or "do that")
    if isinstance(error, NotLinkedError):
        return Hint(
            "Zoom isn't linked yet",
            "You haven't linked a Zoom account to your Slack user.",
            None,
            "Run `/zoom link` and approve zoombot in Zoom — it takes a few seconds.",
        )
    if isinstance(error, HostLookupError):
        return host_hint(error, operation)
    if isinstance(error, StepInputError):
        return step_input_hint(error)
    if isinstance(error, ReminderError):
        return Hint(
            "I couldn't set that reminder",
            escape(error.message),
            None,
            usage_fix(USAGE["remind"].syntax, USAGE["remind"].example),
        )
    if isinstance(error, WhenError):
        fix = f"Try for example `{escape(error.example)}`."
        if operation in USAGE:
            fix += f" Usage: `{escape(USAGE[operation].syntax)}`"
        return Hint("I couldn't use that time", escape(error.message), None, fix)
    if isinstance(error, PeriodError):
        return period_hint(error)
    if isinstance(error, Overloaded):
        return Hint(
            "zoombot is very busy",
            "So many commands are waiting right now that I didn't start yours.",
            None,
            "Try again in a minute. If this keeps happening, tell whoever runs zoombot — "
            "more bot processes sharing the same database can split the load.",
        )
    if is_database_outage(error):
        return database_down_hint()
    if isinstance(error, UsageError):
        return Hint(
            "Let's try that again",
            escape(error.message),
            None,
            usage_fix(error.usage, error.example),
        )
    reference = reference or new_reference()
    doing = f" while trying to {escape(operation)}" if operation else ""
    return Hint(
        "Something went wrong",
        f"Sorry — something unexpected went wrong{doing}.",
        None,
        f"Please try again. If it keeps happening, tell whoever runs zoombot and quote `{reference}`.",
        reference,
    )
