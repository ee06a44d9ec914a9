"""What zoombot itself declines to do: its own rules, never something Zoom said.

A :class:`Refusal` is raised by the services before (or instead of) a Zoom call, so it is
not a ``ZoomError``: a hint must never quote our own words as Zoom's. ``bot.slack.hints``
words each :class:`RefusalKind` (what, why in our words, what to do).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RefusalKind(StrEnum):
    ACCOUNT_MODE_REQUIRED = "account_mode_required"  # an account-only command in user mode
    NOT_ZOOM_ADMIN = "not_zoom_admin"  # an admin command, but the caller's Zoom role is not owner/admin
    NO_SLACK_EMAIL = "no_slack_email"  # account mode: Slack shows no e-mail to find the caller's Zoom user
    NOT_YOURS = "not_yours"  # account mode: the meeting is hosted by another user of the account
    ONLY_HOST = "only_host"  # a recording's trash/recover button, clicked by someone else
    ALREADY_IN_TRASH = "already_in_trash"  # Move to trash, but it is there already
    NOT_IN_TRASH = "not_in_trash"  # Recover, but it is not in the trash (recovered already)
    DEACTIVATE_SELF = "deactivate_self"  # `/zoom user deactivate` naming the admin's own Zoom user
    ALREADY_INACTIVE = "already_inactive"  # deactivate, but Zoom shows the user deactivated already
    ALREADY_ACTIVE = "already_active"  # activate, but the user is active already
    USER_PENDING = "user_pending"  # activate/deactivate a user who hasn't accepted the invitation yet
    NOT_ASSISTANT = (
        "not_assistant"  # account mode: `host @x`, but Zoom doesn't list the caller as x's assistant
    )


@dataclass(eq=False)
class Refusal(Exception):
    kind: RefusalKind
    operation: str  # what the caller asked for, in plain words: "cancel the meeting"
    meeting_id: int | None = None  # NOT_YOURS: the meeting
    zoom_email: str | None = None  # NOT_YOURS: the caller's own Zoom user, whose meeting it is not
    role_name: str | None = None  # NOT_ZOOM_ADMIN: the caller's Zoom role, as Zoom names it
    host: str | None = None  # NOT_ASSISTANT: the Zoom user the caller named as the host
    user: str | None = None  # the user-admin kinds: the Zoom user (e-mail) the admin named

    def __post_init__(self) -> None:
        super().__init__(f"{self.operation}: refused ({self.kind})")
