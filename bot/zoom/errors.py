"""The one exception type for everything that goes wrong talking to Zoom.

The client raises :class:`ZoomError`; it carries what Zoom said (HTTP status, body
``code`` and ``message``, the ``x-zm-trackingid`` header) and our classification.
User-facing wording is *not* here: ``bot.slack.hints`` turns a ``ZoomError`` into a
reply. Nothing in here may ever hold a token.

Tree::

    Exception
     ├── ZoomError        a Zoom call failed (kind says how)
     │    └── RefreshInProgress  another process's token refresh for this link has not finished
     └── NotLinkedError   the Slack user has no usable Zoom link yet
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ZoomErrorKind(StrEnum):
    AUTH = "auth"  # 124, invalid_grant: the link is broken, relink
    SCOPE = "scope"  # 4711 / 4700: token lacks scopes (see missing_scopes)
    USER_NOT_FOUND = "user_not_found"  # 1001, 1010, 1120
    MEETING_NOT_FOUND = "meeting_not_found"  # 3001, 3301, and 404s on meeting paths
    PERMISSION = "permission"  # 200, 3003, 3161: role/plan/host lacks permission
    SCHEDULE_PRIVILEGE = "schedule_privilege"  # 3000 "You cannot schedule a meeting for ..."
    SHARED_ACCESS = "shared_access"  # 403 "authenticated user has not permitted access..."
    MODE_MISUSE = "mode_misuse"  # `me` in account mode / a user id in user mode (a bot bug)
    VALIDATION = "validation"  # 300 and other 400s: Zoom refused the input
    RATE_LIMITED = "rate_limited"  # 429 per-second: retry_after says when
    DAILY_LIMIT = "daily_limit"  # 429 daily: reset_at says when
    UNAVAILABLE = "unavailable"  # 5xx, timeouts, connection failures
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    """Whether the failed operation changed anything at Zoom, as far as we know."""

    UNCHANGED = "unchanged"
    UNKNOWN = "unknown"  # e.g. a create whose response was lost and could not be reconciled
    CHANGED = "changed"


@dataclass(eq=False)
class ZoomError(Exception):
    kind: ZoomErrorKind
    operation: str  # what we were doing, in plain words: "create a meeting"
    status: int | None = None  # HTTP status; None when no response arrived
    code: int | str | None = None  # Zoom body code, or an OAuth error such as "invalid_grant"
    message: str = ""  # Zoom's message as sent
    tracking_id: str | None = None
    missing_scopes: tuple[str, ...] = ()
    retry_after: float | None = None  # seconds until a retry may succeed
    reset_at: datetime | None = None  # when a daily limit resets (aware, UTC)
    outcome: Outcome = Outcome.UNCHANGED
    details: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [f"{self.operation}: {self.kind}"]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.message:
            parts.append(repr(self.message))
        if self.tracking_id:
            parts.append(f"tracking id {self.tracking_id}")
        return " ".join(parts)


class RefreshInProgress(ZoomError):
    """We waited for another process's refresh of this link, and it did not finish in time.

    Nothing was sent to Zoom by us: Zoom is not to blame, and nothing changed. Its kind is
    ``UNAVAILABLE`` (try again soon) for code that only looks at kinds.
    """


class NotLinkedError(Exception):
    """The Slack user has not linked a Zoom account (or unlinked it)."""

    def __init__(self, team_id: str, user_id: str) -> None:
        super().__init__(f"no Zoom link for {team_id}/{user_id}")
        self.team_id = team_id
        self.user_id = user_id
