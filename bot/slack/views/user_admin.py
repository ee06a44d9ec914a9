"""The admins' views: the confirm question before a Zoom user change, its answer, and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.services.audit import AuditRecord
from bot.services.user_admin import Question, UserChange
from bot.slack.mrkdwn import date_token, escape
from bot.slack.views._blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    header,
    message,
    section,
)
from bot.zoom.models import ZoomUser

ACTION_USER_CHANGE_CONFIRM = "user_change_confirm"  # value: UserChange.value()
ACTION_USER_CHANGE_ABORT = "user_change_abort"
BLOCK_USER_CHANGE = "user_change"  # one question per message: a second click finds it claimed

_VERBS = {"create": "Create user", "deactivate": "Deactivate", "activate": "Activate"}
_DONE = {
    "user_create": "created user",
    "user_deactivate": "deactivated",
    "user_activate": "activated",
    "recording_trash": "moved to the trash the recording of",
    "recording_recover": "recovered the recording of",
}
_RESULTS = {"ok": ":white_check_mark: ok", "refused": ":no_entry: refused", "failed": ":x: failed"}


def _named(user: ZoomUser | None, email: str) -> str:
    name = user.display_name if user is not None else ""
    return f"*{escape(name)}* (`{escape(email)}`)" if name else f"`{escape(email)}`"


def user_change_question(question: Question) -> SlackMessage:
    """Ask before changing a Zoom user; the button carries the change, so it can be checked again."""
    change = question.change
    account = (
        f"the Zoom account `{escape(question.account_id)}`" if question.account_id else "your Zoom account"
    )
    who = _named(question.user, change.email)
    if change.action == "create":
        text = (
            f"Add {who} to {account} as a *{change.kind.capitalize()}* user? Zoom e-mails them an "
            "invitation; they join once they accept it."
        )
        style = "primary"
    elif change.action == "deactivate":
        text = (
            f"Deactivate {who} in {account}? They can't sign in to Zoom until an admin activates "
            "them again; their licence is freed. Their meetings and recordings stay."
        )
        style = "danger"
    else:
        text = (
            f"Activate {who} in {account} again? They can sign in to Zoom; a licensed user takes a licence."
        )
        style = "primary"
    buttons = actions(
        button(
            _VERBS[change.action], action_id=ACTION_USER_CHANGE_CONFIRM, value=change.value(), style=style
        ),
        button("Don't", action_id=ACTION_USER_CHANGE_ABORT, value=change.action),
        block_id=BLOCK_USER_CHANGE,
    )
    return message(f"{_VERBS[change.action]} {change.email}?", [section(text), buttons])


def user_changed(change: UserChange, user: ZoomUser) -> SlackMessage:
    who = _named(user, change.email)
    if change.action == "create":
        text = (
            f":white_check_mark: Zoom added {who} as a *{change.kind.capitalize()}* user and e-mailed "
            "them an invitation. They show in `/zoom users` once they accept it."
        )
    elif change.action == "deactivate":
        undo = f"/zoom user activate {escape(change.email)}"
        text = f":white_check_mark: {who} is deactivated. `{undo}` undoes it."
    else:
        text = f":white_check_mark: {who} is active again."
    return message(text, [section(text)])


def audit_list(records: Sequence[AuditRecord], *, viewer_tz: tzinfo, asked: int) -> SlackMessage:
    """`/zoom audit`: newest first, one line each, packed into as few sections as Slack allows."""
    title = f"Audit trail: the last {len(records)} action{'s' if len(records) != 1 else ''}"
    if not records:
        text = "Nothing yet: no Zoom user was changed and no recording trashed or recovered from Slack."
        return message(text, [header("Audit trail"), section(text)])
    blocks: list[Block] = [header(title)]
    chunk: list[str] = []
    for record in records:
        line = _line(record, viewer_tz)
        if chunk and len("\n".join([*chunk, line])) > MAX_SECTION_TEXT:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
        if len(blocks) >= MAX_MESSAGE_BLOCKS - 2:
            break
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(records) == asked:
        blocks.append(context(f"`/zoom audit {min(asked * 2, 100)}` shows more (up to 100)."))
    return message(title, blocks)


def _line(record: AuditRecord, viewer_tz: tzinfo) -> str:
    when = date_token(record.at, "{date_short} {time}", fallback_tz=viewer_tz)
    done = _DONE.get(record.action, escape(record.action))
    detail = f" ({escape(record.detail)})" if record.detail else ""
    result = _RESULTS.get(record.result, escape(record.result))
    reason = f" ({escape(record.reason)})" if record.reason else ""
    who = f"<@{record.user_id}>" if record.user_id.isalnum() else escape(record.user_id)
    return f"{when} · {who} {done} `{escape(record.target)}`{detail} · {result}{reason}"
