"""The schema, as SQLAlchemy 2 typed declarative models.

Every table here is created by the Alembic migrations in ``bot/store/migrations``, or,
in a brand-new empty database, straight from these models at the newest revision
(``bot.store.migrate.create_schema_if_empty``); tests check that both routes build the
same schema. Datetimes are timezone-aware UTC in Python and naive UTC in the database,
which stores them the same way on SQLite and PostgreSQL.

Ciphertext columns (``*_enc``) hold ``TokenVault`` output, never plaintext.
"""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.pacing_models import BotProcess as BotProcess
from bot.store.pacing_models import ZoomHostWrites as ZoomHostWrites
from bot.store.schema_base import Base, one_of, utcnow

# Table names of slack_sdk's installation/state stores (its defaults, which
# bot.store.slack_installations passes explicitly).
SLACK_INSTALLATIONS_TABLE = "slack_installations"
SLACK_BOTS_TABLE = "slack_bots"
SLACK_OAUTH_STATES_TABLE = "slack_oauth_states"

LINK_STATUSES = ("active", "needs_reauth")
REMINDER_STATUSES = ("pending", "sending", "sent", "cancelled", "missed", "failed")
EVENT_SOURCES = ("slack", "zoom")
LIVE_STATUSES = ("started", "ended")
AUDIT_RESULTS = ("ok", "refused", "failed")
ATTENDANCE_JOB_STATUSES = ("pending", "running", "posted", "gave_up", "failed")


class ZoomLink(Base):
    """A Slack user's linked Zoom account and its (encrypted) OAuth tokens.

    ``version`` is bumped on every token change; writers compare-and-set on it so a
    stale refresh result or a stale failure never overwrites a newer token. The
    ``refresh_lease_*`` pair is a cross-process lease: whoever holds it may refresh.
    """

    __tablename__ = "zoom_links"
    __table_args__ = (
        UniqueConstraint("slack_team_id", "slack_user_id"),
        UniqueConstraint("zoom_user_id"),
        one_of("zoom_links", "status", LINK_STATUSES),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    zoom_user_id: Mapped[str] = mapped_column(String(64))
    zoom_email: Mapped[str] = mapped_column(String(320))
    zoom_account_id: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(Text, default="")  # space-separated
    access_token_enc: Mapped[str] = mapped_column(Text)
    refresh_token_enc: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=0)
    refresh_lease_owner: Mapped[str | None] = mapped_column(String(128))
    refresh_lease_until: Mapped[datetime | None]
    api_url: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OAuthState(Base):
    """A pending Zoom OAuth consent, keyed by SHA-256 of the ``state`` (the state itself is never stored)."""

    __tablename__ = "zoom_oauth_states"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    code_verifier_enc: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """A reminder to post in a channel before a meeting; the row is the source of truth."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index(None, "status", "due_at"),
        Index(None, "slack_team_id", "slack_user_id"),
        one_of("reminders", "status", REMINDER_STATUSES),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))  # the owner
    zoom_meeting_id: Mapped[int] = mapped_column(BigInteger)
    meeting_topic: Mapped[str] = mapped_column(String(300))
    meeting_start_at: Mapped[datetime]
    channel_id: Mapped[str] = mapped_column(String(32))
    minutes_before: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Added by migration 0002: the Join URL to post (never the host's start URL).
    join_url: Mapped[str | None] = mapped_column(String(1024))
    # Added by migration 0004, for recurring meetings: the occurrence this row is for, and
    # the ones after it (JSON [[occurrence_id, start_utc], …]) the next row is made from.
    occurrence_id: Mapped[str | None] = mapped_column(String(20))
    later_occurrences: Mapped[str | None] = mapped_column(Text)


class DigestSubscription(Base):
    """A user's weekday-morning DM listing the day's meetings."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("slack_team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    local_time: Mapped[str] = mapped_column(String(5), default="08:30")  # HH:MM in `timezone`
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name, e.g. Europe/Berlin
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sent_on: Mapped[date | None] = mapped_column(Date)  # a local date in `timezone`
    send_empty: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedEvent(Base):
    """A Slack event / Zoom webhook delivery already handled (dedupe of retries)."""

    __tablename__ = "processed_events"
    __table_args__ = (one_of("processed_events", "source", EVENT_SOURCES),)

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MeetingPost(Base):
    """A channel message the bot posted for a meeting (its Join card), kept live from Zoom's webhooks.

    Added by migration 0005: who posted it and what the card shows (so it can be drawn again
    without a Zoom call), and the card's update bookkeeping. ``shown_version`` is the
    ``meeting_live.version`` the message shows; ``next_update_at`` is the earliest time the
    next ``chat.update`` may go out; whoever holds the ``update_lease_*`` pair updates it.
    """

    __tablename__ = "meeting_posts"
    __table_args__ = (UniqueConstraint("slack_team_id", "channel_id", "ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zoom_meeting_id: Mapped[int] = mapped_column(BigInteger, index=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    topic: Mapped[str | None] = mapped_column(String(300))
    join_url: Mapped[str | None] = mapped_column(String(1024))
    shown_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_update_at: Mapped[datetime | None]
    update_lease_owner: Mapped[str | None] = mapped_column(String(128))
    update_lease_until: Mapped[datetime | None]
    # The Slack call (calls.add) the card carries as a call block (migration 0008): every
    # redraw keeps it, or chat.update would drop the call from the message.
    call_id: Mapped[str | None] = mapped_column(String(32))


class MeetingLive(Base):
    """What Zoom last said about a meeting's current instance (migration 0005).

    ``version`` goes up with every change a card should show; posts compare it with their
    ``shown_version``.
    """

    __tablename__ = "meeting_live"
    __table_args__ = (one_of("meeting_live", "status", LIVE_STATUSES),)

    zoom_meeting_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    meeting_uuid: Mapped[str] = mapped_column(String(128))
    topic: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MeetingParticipant(Base):
    """One participant's stay in a meeting instance (migration 0005).

    Keyed like Zoom's payloads: the participant's meeting ``user_id`` (or ``participant_uuid``
    / ``id``) and the join time, so a join delivered twice is one row. Rows go when the
    meeting ends: only the count is ever shown.
    """

    __tablename__ = "meeting_participants"
    __table_args__ = (
        UniqueConstraint("meeting_uuid", "participant_key", "joined_at"),
        Index(None, "zoom_meeting_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zoom_meeting_id: Mapped[int] = mapped_column(BigInteger)
    meeting_uuid: Mapped[str] = mapped_column(String(128))
    participant_key: Mapped[str] = mapped_column(String(128))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class AttendanceJob(Base):
    """Post a meeting instance's attendance in its cards' threads once Zoom has it (migration 0007).

    One row per instance (``meeting_uuid`` is unique), so a ``meeting.ended`` that reaches
    several processes schedules it once. ``due_at`` is the next try; a process claims the row
    with the ``lease_*`` pair (``running``), and either finishes it or puts it back ``pending``
    for a later try. ``give_up_at`` bounds how long Zoom may take to have the list.
    """

    __tablename__ = "attendance_jobs"
    __table_args__ = (
        UniqueConstraint("meeting_uuid"),
        Index(None, "status", "due_at"),
        one_of("attendance_jobs", "status", ATTENDANCE_JOB_STATUSES),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zoom_meeting_id: Mapped[int] = mapped_column(BigInteger)
    meeting_uuid: Mapped[str] = mapped_column(String(128))
    host_id: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime]
    give_up_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChannelAttendance(Base):
    """Whether meeting attendance is posted in a channel's card threads (migration 0007).

    No row means on. ``changed_by`` is the Slack user who last turned it off or on.
    """

    __tablename__ = "channel_attendance"
    __table_args__ = (UniqueConstraint("slack_team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackCall(Base):
    """A meeting registered as a Slack call (``calls.add``), so Zoom's webhooks keep it current (0008).

    One per workspace and meeting instance while it runs: a second card for the meeting shows
    the same call. ``ended_at`` is set once ``calls.end`` went out (or the call was found ended).
    """

    __tablename__ = "slack_calls"
    __table_args__ = (UniqueConstraint("slack_team_id", "call_id"), Index(None, "zoom_meeting_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zoom_meeting_id: Mapped[int] = mapped_column(BigInteger)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    call_id: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))  # the Slack user who ran the command
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class AuditEvent(Base):
    """What happened to whom, keyed by our own opaque id (never a Zoom id: those are user data)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    internal_subject: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AdminAuditEntry(Base):
    """One admin or recording action taken from Slack, and how it ended (migration 0006).

    Who (the Slack team and user), what (``action``), on which Zoom user or meeting
    (``target``, as the admin named it), ``result`` ok/refused/failed with the reason
    (Zoom's code or zoombot's own rule). Never a token, start link or response URL.
    """

    __tablename__ = "admin_audit"
    __table_args__ = (
        one_of("admin_audit", "result", AUDIT_RESULTS),
        Index(None, "slack_team_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))


# slack_sdk's own tables for multi-workspace installs, on OUR metadata so that Alembic
# creates and evolves them (slack_sdk's create_tables() is never called).
slack_installations_table = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, SLACK_INSTALLATIONS_TABLE
)
slack_bots_table = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, SLACK_BOTS_TABLE)
slack_oauth_states_table = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, SLACK_OAUTH_STATES_TABLE
)
# Migration 0003: the token columns hold ciphertexts (bot/store/slack_installations.py),
# longer than slack_sdk's String(200).
SLACK_TOKEN_COLUMNS = {
    slack_bots_table: ("bot_token", "bot_refresh_token"),
    slack_installations_table: ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
}
for _table, _columns in SLACK_TOKEN_COLUMNS.items():
    for _column in _columns:
        _table.c[_column].type = Text()

# Added by migration 0002: reminders are looked up by meeting when it moves, ends or is deleted.
Index("ix_reminders_zoom_meeting_id", Reminder.zoom_meeting_id)


class StatusSync(Base):
    """A person's opt-in to a Slack status while in a Zoom meeting (added by migration 0010).

    ``user_token_enc`` is their own Slack user token (``users.profile:write``), sealed by the
    vault; None while the consent is pending (``state_hash``, ``state_expires_at``: the SHA-256 of
    the OAuth ``state``). ``meeting_key`` names the meeting instance whose status is shown;
    ``saved_*`` is the status they had before it; whoever holds the ``lease_*`` pair changes it.
    """

    __tablename__ = "status_sync"
    __table_args__ = (
        UniqueConstraint("slack_team_id", "slack_user_id"),
        UniqueConstraint("state_hash"),
        Index(None, "zoom_user_id"),
        Index(None, "meeting_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    zoom_user_id: Mapped[str] = mapped_column(String(64))
    zoom_email: Mapped[str] = mapped_column(String(320))
    user_token_enc: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text, default="")
    state_hash: Mapped[str | None] = mapped_column(String(64))
    state_expires_at: Mapped[datetime | None]
    meeting_key: Mapped[str | None] = mapped_column(String(160))
    status_set: Mapped[bool] = mapped_column(Boolean, default=False)
    status_until: Mapped[datetime | None]
    ending: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_text: Mapped[str | None] = mapped_column(String(200))
    saved_emoji: Mapped[str | None] = mapped_column(String(100))
    saved_expiration: Mapped[int | None] = mapped_column(BigInteger)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
