"""The simulator's state: apps, accounts, users, grants, meetings, recordings.

Plain dataclasses; the rules that change them live in the route modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

Role = Literal["member", "admin", "owner"]
Plan = Literal["basic", "pro", "business"]  # "business" stands for Business and higher
ZOOM_TIME = "%Y-%m-%dT%H:%M:%SZ"


def zoom_time(dt: datetime) -> str:
    """Zoom's wire format for instants: UTC, seconds, a literal Z."""
    return dt.strftime(ZOOM_TIME)


@dataclass
class SimApp:
    """A user-managed OAuth app (authorization code grant)."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scopes: list[str]


@dataclass
class SimAccount:
    account_id: str
    s2s_client_id: str | None = None
    s2s_client_secret: str | None = field(default=None, repr=False)
    s2s_scopes: list[str] = field(default_factory=list)
    # Zoom plans gate features: reports need Pro or higher, dashboards Business or higher.
    plan: Plan = "business"
    # Zoom's reports count days in the account's time zone, not UTC.
    timezone: str = "UTC"
    # Seats: licensed (type 2) and basic (type 1) users, active or invited, count against them.
    licensed_seats: int = 10
    basic_seats: int = 100


@dataclass
class SimUser:
    id: str
    email: str
    first_name: str
    last_name: str
    account_id: str
    type: int
    timezone: str
    role: Role
    pmi: int
    created_at: datetime
    status: str = "active"
    # An admin can disable Personal Meeting IDs; Zoom then has no personal room to offer.
    pmi_enabled: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", "owner")

    def as_zoom(self) -> dict[str, Any]:
        """The GET /users/{userId} body (no ``pmi`` or personal link when PMIs are disabled)."""
        body: dict[str, Any] = {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": f"{self.first_name} {self.last_name}".strip(),
            "type": self.type,
            "role_name": {"member": "Member", "admin": "Admin", "owner": "Owner"}[self.role],
            "role_id": {"member": "2", "admin": "1", "owner": "0"}[self.role],
            "pmi": self.pmi,
            "use_pmi": False,
            "timezone": self.timezone,
            "account_id": self.account_id,
            "status": self.status,
            "verified": 1,
            "language": "en-US",
            "created_at": zoom_time(self.created_at),
            "user_created_at": zoom_time(self.created_at),
            "personal_meeting_url": f"https://zoom.us/j/{self.pmi}",
        }
        if not self.pmi_enabled:
            del body["pmi"], body["personal_meeting_url"]
        return body

    def as_zoom_list_item(self) -> dict[str, Any]:
        """One element of GET /users `users`."""
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": f"{self.first_name} {self.last_name}".strip(),
            "type": self.type,
            "pmi": self.pmi,
            "timezone": self.timezone,
            "status": self.status,
            "verified": 1,
            "role_id": {"member": "2", "admin": "1", "owner": "0"}[self.role],
            "created_at": zoom_time(self.created_at),
            "user_created_at": zoom_time(self.created_at),
        }


@dataclass
class AuthorizationCode:
    code: str = field(repr=False)
    client_id: str
    redirect_uri: str
    user_id: str
    code_challenge: str | None
    code_challenge_method: str
    issued_at: datetime
    used: bool = False


@dataclass
class TokenGrant:
    """One token issuance: what /oauth/token answered, and whether it still works."""

    grant_type: str  # authorization_code | refresh_token | account_credentials
    client_id: str
    account_id: str
    user_id: str | None  # None for account (server-to-server) tokens
    user_email: str | None
    scopes: frozenset[str]
    access_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_token: str | None = field(repr=False)
    refresh_expires_at: datetime | None
    issued_at: datetime
    # Why the grant stopped working: "rotated" (refreshed), "revoked", "reauthorized"; None = live.
    ended: str | None = None

    @property
    def is_account_token(self) -> bool:
        return self.user_id is None


@dataclass
class Occurrence:
    occurrence_id: str
    start_time: datetime
    duration: int
    status: str = "available"


@dataclass
class SimParticipant:
    """One person's stay in a meeting instance, with the ids Zoom's webhooks carry."""

    name: str
    email: str
    user_id: str  # the meeting user id Zoom assigns on each join
    participant_uuid: str
    zoom_user_id: str  # "" for people without a Zoom account in the host's account
    join_time: datetime
    handle: str  # the name the simulator's caller used for them (lower case)
    leave_time: datetime | None = None


@dataclass
class SimMeeting:
    id: int
    uuid: str
    host_id: str
    host_email: str
    account_id: str
    type: int
    topic: str
    agenda: str
    start_time: datetime
    duration: int
    timezone: str
    password: str = field(repr=False)
    created_at: datetime
    join_url: str
    origin: str  # scheme://host the meeting's links are built on
    assistant_id: str | None = None
    recurrence: dict[str, Any] | None = None
    occurrences: list[Occurrence] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    status: str = "waiting"
    deleted: bool = False
    ended: bool = False
    started_at: datetime | None = None  # of the current (or last) instance
    ended_at: datetime | None = None
    participants: list[SimParticipant] = field(default_factory=list)

    def end_time(self) -> datetime:
        last = self.occurrences[-1] if self.occurrences else None
        start = last.start_time if last else self.start_time
        duration = last.duration if last else self.duration
        return start + timedelta(minutes=duration)


@dataclass
class SimRecording:
    uuid: str
    meeting_id: int
    host_id: str
    account_id: str
    topic: str
    start_time: datetime
    duration: int
    share_url: str
    files: list[dict[str, Any]] = field(default_factory=list)
    trashed_at: datetime | None = None  # in the trash (recoverable for 30 days), or None


@dataclass
class PageCursor:
    """What a next_page_token stands for: where the next page starts, and for which query."""

    query_key: str
    page_size: int
    offset: int
    expires_at: datetime
