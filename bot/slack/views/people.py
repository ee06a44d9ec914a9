"""Zoom users: one user's card (`/zoom me`, `/zoom user`) and the account's list (`/zoom users`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack.mrkdwn import escape, format_meeting_id
from bot.slack.views._blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    SlackMessage,
    context,
    fields_section,
    header,
    message,
    section,
)
from bot.slack.views._types import DelegateLike, ZoomUserLike

# Zoom's user "type": what licence the user holds.
USER_TYPES = {1: "Basic", 2: "Licensed", 4: "Unassigned (no meetings)", 99: "None (only in another product)"}
MAX_USERS_SHOWN = MAX_MESSAGE_BLOCKS - 5


def display_name(user: ZoomUserLike) -> str:
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return name or user.email


def _pmi(user: ZoomUserLike) -> str:
    if user.pmi is None or user.pmi == "":
        return "—"
    text = str(user.pmi)
    return f"`{format_meeting_id(int(text))}`" if text.isascii() and text.isdigit() else f"`{escape(text)}`"


def user_card(user: ZoomUserLike) -> SlackMessage:
    fields = [
        f"*E-mail*\n{escape(user.email)}",
        f"*Account type*\n{USER_TYPES.get(user.type, f'Type {user.type}')}",
        f"*Time zone*\n{escape(user.timezone) if user.timezone else '—'}",
        f"*Personal Meeting ID*\n{_pmi(user)}",
    ]
    role = getattr(user, "role_name", None)
    if role:
        fields.append(f"*Role*\n{escape(str(role))}")
    blocks: list[Block] = [header(display_name(user)), fields_section(fields)]
    return message(f"Zoom user {escape(display_name(user))} ({escape(user.email)})", blocks)


def user_list(users: Sequence[ZoomUserLike], *, title: str = "Zoom users") -> SlackMessage:
    blocks: list[Block] = [header(title)]
    if not users:
        blocks.append(section("No users found."))
        return message(f"{escape(title)}: none", blocks)
    for user in users[:MAX_USERS_SHOWN]:
        kind = USER_TYPES.get(user.type, f"Type {user.type}")
        blocks.append(section(f"*{escape(display_name(user))}* · {escape(user.email)} · {kind}"))
    hidden = len(users) - MAX_USERS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more. `/zoom user &lt;email&gt;` shows one user."))
    return message(f"{escape(title)}: {len(users)}", blocks)


def scheduler_list(hosts: Sequence[DelegateLike]) -> SlackMessage:
    """`/zoom schedulers`: the Zoom users who gave the caller scheduling privilege."""
    title = "You can schedule for"
    blocks: list[Block] = [header(title)]
    if not hosts:
        blocks.append(
            section(
                "Nobody has given you scheduling privilege in Zoom yet. Someone who wants you to schedule "
                "for them adds you in the Zoom web portal → Settings → Meeting → *Schedule Privilege*."
            )
        )
        return message("You can't schedule for anyone else yet.", blocks)
    for host in hosts[:MAX_USERS_SHOWN]:
        blocks.append(section(f"• {escape(host.email)}"))
    hidden = len(hosts) - MAX_USERS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more."))
    example = escape(f'/zoom schedule "Board sync" tomorrow 3pm host {hosts[0].email}')
    blocks.append(context(f"Schedule for one of them with `{example}`."))
    return message(f"{title}: {len(hosts)}", blocks)
