"""The REST operations the simulator serves: scopes and rate-limit category of each.

Copied from Zoom's OpenAPI documents (each operation's ``security`` list, which is the
union of ``x-macro-scopes`` and ``x-granular-scopes``, and the "Rate Limit Label" in its
description). A test checks this table against the documents, so the simulator needs no
copy of them at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # template under /v2, as in the OpenAPI document
    scopes: tuple[str, ...]  # any one of these lets the call through (for the caller's own data)
    category: str  # rate-limit label: "Light", "Medium", "Heavy" or "Resource-intensive"

    @property
    def key(self) -> str:
        """The route key used by stats and fault injection, e.g. ``POST /v2/users/{userId}/meetings``."""
        return f"{self.method} /v2{self.path}"

    @property
    def admin_scopes(self) -> tuple[str, ...]:
        """Scopes that also reach other users' data (``:admin`` / ``:master``)."""
        return tuple(s for s in self.scopes if s.endswith((":admin", ":master")))

    def granular_scope(self, *, admin: bool) -> str:
        """The scope Zoom names in a 4711 message: the granular one of the wanted level."""
        classic_prefixes = ("meeting:read", "meeting:write", "user:read", "user:write", "recording:read")
        granular = [s for s in self.scopes if s.count(":") >= 2 and not _is_classic(s, classic_prefixes)]
        for scope in granular:
            if scope.endswith(":admin") == admin:
                return scope
        return granular[0] if granular else self.scopes[0]


def _is_classic(scope: str, prefixes: tuple[str, ...]) -> bool:
    return any(scope == p or scope == f"{p}:admin" for p in prefixes)


GET_USER = Operation(
    "GET",
    "/users/{userId}",
    (
        "user:read",
        "user:write",
        "user:read:admin",
        "user:write:admin",
        "user_profile",
        "user_info:read",
        "user:read:user",
        "user:read:user:admin",
    ),
    "Light",
)
LIST_USERS = Operation(
    "GET",
    "/users",
    ("user:read", "user:write", "user:read:admin", "user:write:admin", "user:read:list_users:admin"),
    "Medium",
)
LIST_MEETINGS = Operation(
    "GET",
    "/users/{userId}/meetings",
    ("meeting:read:admin", "meeting:read", "meeting:read:list_meetings", "meeting:read:list_meetings:admin"),
    "Medium",
)
CREATE_MEETING = Operation(
    "POST",
    "/users/{userId}/meetings",
    ("meeting:write:admin", "meeting:write", "meeting:write:meeting", "meeting:write:meeting:admin"),
    "Light",
)
GET_MEETING = Operation(
    "GET",
    "/meetings/{meetingId}",
    ("meeting:read", "meeting:read:admin", "meeting:read:meeting", "meeting:read:meeting:admin"),
    "Light",
)
UPDATE_MEETING = Operation(
    "PATCH",
    "/meetings/{meetingId}",
    ("meeting:write", "meeting:write:admin", "meeting:update:meeting:admin", "meeting:update:meeting"),
    "Light",
)
DELETE_MEETING = Operation(
    "DELETE",
    "/meetings/{meetingId}",
    ("meeting:write:admin", "meeting:write", "meeting:delete:meeting", "meeting:delete:meeting:admin"),
    "Light",
)
MEETING_STATUS = Operation(
    "PUT",
    "/meetings/{meetingId}/status",
    ("meeting:write:admin", "meeting:write", "meeting:update:status", "meeting:update:status:admin"),
    "Light",
)
MEETING_INVITATION = Operation(
    "GET",
    "/meetings/{meetingId}/invitation",
    ("meeting:read", "meeting:read:admin", "meeting:read:invitation", "meeting:read:invitation:admin"),
    "Light",
)
LIST_RECORDINGS = Operation(
    "GET",
    "/users/{userId}/recordings",
    (
        "recording:read:admin",
        "recording:read",
        "cloud_recording:read:list_user_recordings",
        "cloud_recording:read:list_user_recordings:master",
        "cloud_recording:read:list_user_recordings:admin",
    ),
    "Medium",
)

MEETING_SUMMARY = Operation(
    "GET",
    "/meetings/{meetingId}/meeting_summary",  # {meetingId} is a meeting instance's UUID here
    (
        "meeting_summary:read",
        "meeting_summary:read:admin",
        "meeting:read:summary",
        "meeting:read:summary:admin",
    ),
    "Light",
)
LIST_SCHEDULERS = Operation(
    "GET",
    "/users/{userId}/schedulers",
    (
        "user:read",
        "user:write",
        "user:read:admin",
        "user:write:admin",
        "user_profile",
        "user:read:list_schedulers",
        "user:read:list_schedulers:admin",
    ),
    "Medium",
)
LIST_ASSISTANTS = Operation(
    "GET",
    "/users/{userId}/assistants",
    (
        "user:read",
        "user:write",
        "user:read:admin",
        "user:write:admin",
        "user_profile",
        "user:read:list_assistants",
        "user:read:list_assistants:admin",
    ),
    "Medium",
)

DAILY_REPORT = Operation("GET", "/report/daily", ("report:read:admin",), "Heavy")
LIVE_DASHBOARD = Operation(
    "GET",
    "/metrics/meetings",
    ("dashboard_meetings:read:admin", "dashboard:read:admin", "dashboard:read:list_meetings:admin"),
    "Resource-intensive",
)

PAST_PARTICIPANTS = Operation(
    "GET",
    "/past_meetings/{meetingId}/participants",
    (
        "meeting:read:admin",
        "meeting:read",
        "meeting:read:list_past_participants",
        "meeting:read:list_past_participants:admin",
    ),
    "Medium",
)
REPORT_PARTICIPANTS = Operation(
    "GET",
    "/report/meetings/{meetingId}/participants",
    ("report:read:admin", "report:read:list_meeting_participants:admin"),
    "Heavy",
)

TRASH_RECORDINGS = Operation(
    "DELETE",
    "/meetings/{meetingId}/recordings",
    (
        "recording:write:admin",
        "recording:write",
        "cloud_recording:delete:meeting_recording",
        "cloud_recording:delete:meeting_recording:admin",
        "cloud_recording:delete:meeting_recording:master",
    ),
    "Light",
)
RECOVER_RECORDINGS = Operation(
    "PUT",
    "/meetings/{meetingUUID}/recordings/status",
    (
        "recording:write:admin",
        "recording:write",
        "cloud_recording:update:recover_meeting_recordings",
        "cloud_recording:update:recover_meeting_recordings:master",
        "cloud_recording:update:recover_meeting_recordings:admin",
    ),
    "Light",
)

CREATE_USER = Operation(
    "POST", "/users", ("user:write", "user:write:admin", "user:write:user:admin"), "Light"
)
USER_STATUS = Operation(
    "PUT",
    "/users/{userId}/status",
    ("user:write:admin", "user:write", "user:update:status", "user:update:status:admin"),
    "Light",
)

OPERATIONS: tuple[Operation, ...] = (
    GET_USER,
    LIST_USERS,
    LIST_MEETINGS,
    CREATE_MEETING,
    GET_MEETING,
    UPDATE_MEETING,
    DELETE_MEETING,
    MEETING_STATUS,
    MEETING_INVITATION,
    LIST_RECORDINGS,
    LIST_SCHEDULERS,
    LIST_ASSISTANTS,
    MEETING_SUMMARY,
    DAILY_REPORT,
    LIVE_DASHBOARD,
    PAST_PARTICIPANTS,
    REPORT_PARTICIPANTS,
    TRASH_RECORDINGS,
    RECOVER_RECORDINGS,
    CREATE_USER,
    USER_STATUS,
)

# What a server-to-server token carries unless the account says otherwise: every admin scope.
DEFAULT_ACCOUNT_SCOPES: tuple[str, ...] = tuple(
    sorted({s for op in OPERATIONS for s in op.admin_scopes if s.endswith(":admin")})
)
