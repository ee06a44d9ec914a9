"""A Zoom session bound to one Slack user, in either mode.

Handlers never choose between ``me`` and a user id: they ask :class:`ZoomAccess` for the
caller's :class:`ZoomActor` and call plain verbs on it. In user mode the actor wraps the
caller's own link (``UserZoom``, which can only say ``me``); in account mode it wraps the
account client bound to the Zoom user whose e-mail matches the caller's Slack profile
(``AccountZoom`` with a ``ZoomUserRef``, which can never say ``me``).

Scheduling for someone else (`host @dana`) goes through :meth:`ZoomActor.for_host`, which
returns an actor for the host that only schedules and lists. Zoom's `schedulers` list of a
user is whom that user may schedule for (its document: "if the current user [...] is User
A, this API's response will list all users for whom User A can schedule"); `assistants`
is the other way round. Both work in either mode, for the caller's own user.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.services.meeting_times import sort_key, starts_within
from bot.services.people import SlackPerson
from bot.services.refusals import Refusal, RefusalKind
from bot.zoom.account_users import AccountUsers
from bot.zoom.attendance import Stay
from bot.zoom.changes import MeetingRequest, MeetingUpdate
from bot.zoom.client import AccountZoom, UserZoom
from bot.zoom.errors import ZoomError, ZoomErrorKind
from bot.zoom.http import TokenSource, ZoomHttp
from bot.zoom.ids import ZoomUserRef
from bot.zoom.models import Delegate, Meeting, MeetingSummary, MeetingType, Recording, Recurrence, ZoomUser
from bot.zoom.reports import AccountReports

Mode = Literal["user", "account"]

# Zoom roles that may use `/zoom users` and `/zoom user` (account mode). The role comes
# from Zoom itself (GET /users/{email} → role_name), so Slack admins are not Zoom admins
# unless Zoom says so.
ADMIN_ROLES = frozenset({"owner", "admin"})
MAX_LISTED_MEETINGS = 300
MAX_SERIES_DETAILS = 10  # GETs per `/zoom list` to learn recurring meetings' rules


@dataclass
class ZoomActor:
    """The caller's Zoom, whatever the mode. Every method is one plain verb."""

    mode: Mode
    _user: UserZoom | None = None
    _account: AccountZoom | None = None
    _ref: ZoomUserRef | None = None
    _caller: ZoomUser | None = None  # account mode: the caller's Zoom user, read once per command
    _host: ZoomUserRef | None = None  # set by for_host: the user this actor schedules and lists for

    async def me(self) -> ZoomUser:
        """The caller's Zoom user, asked live (`/zoom me` doubles as a link check)."""
        if self._user is not None:
            return await self._user.get_user()
        assert self._account is not None and self._ref is not None
        return await self._account.get_user(self._ref)

    async def create_instant(self, topic: str, *, duration: int = 60) -> Meeting:
        return await self._create(
            MeetingRequest(topic=topic[:200], type=MeetingType.INSTANT, duration=duration)
        )

    async def create_scheduled(
        self, topic: str, *, start: datetime, duration: int, tz_name: str, agenda: str | None = None
    ) -> Meeting:
        request = MeetingRequest(
            topic=topic[:200],
            type=MeetingType.SCHEDULED,
            start_time=start,
            duration=duration,
            timezone=tz_name,
            agenda=(agenda or "")[:1900],
        )
        return await self._create(request)

    async def create_recurring(
        self,
        topic: str,
        *,
        start: datetime,
        duration: int,
        tz_name: str,
        recurrence: Recurrence,
        agenda: str | None = None,
    ) -> Meeting:
        """A fixed-time series (type 8) starting at ``start``, kept on ``tz_name``'s wall clock."""
        request = MeetingRequest(
            topic=topic[:200],
            type=MeetingType.RECURRING,
            start_time=start,
            duration=duration,
            timezone=tz_name,
            recurrence=recurrence,
            agenda=(agenda or "")[:1900],
        )
        return await self._create(request)

    async def _create(self, request: MeetingRequest) -> Meeting:
        try:
            if self._user is not None:
                if self._host is not None:  # Zoom checks the privilege (and shared access)
                    request = dataclasses.replace(request, schedule_for=self._host.value)
                return await self._user.create_meeting(request)
            assert self._account is not None and self._ref is not None
            return await self._account.create_meeting(self._ref, request)
        except ZoomError as error:
            raise self._about_host(error) from None

    async def upcoming(self, *, start: datetime, end: datetime) -> list[Meeting]:
        """Meetings (or a recurring meeting's occurrences) starting in [start, end), soonest first."""
        try:
            if self._user is not None and self._host is not None:
                found = await self._user.list_host_upcoming_meetings(self._host, limit=MAX_LISTED_MEETINGS)
            elif self._user is not None:
                found = await self._user.list_upcoming_meetings(limit=MAX_LISTED_MEETINGS)
            else:
                assert self._account is not None and self._ref is not None
                found = await self._account.list_upcoming_meetings(self._ref, limit=MAX_LISTED_MEETINGS)
        except ZoomError as error:
            raise self._about_host(error) from None
        within = [m for m in found if starts_within(m, start, end)]
        return sorted(await self._with_series_details(within), key=sort_key)

    async def _with_series_details(self, meetings: list[Meeting]) -> list[Meeting]:
        """List items carry no recurrence rule or occurrences: read them for the first few series."""
        series = [m.id for m in meetings if m.type == MeetingType.RECURRING][:MAX_SERIES_DETAILS]
        if not series:
            return meetings
        client = self._client()
        details = await asyncio.gather(*(client.get_meeting(i) for i in series), return_exceptions=True)
        found = {m.id: m for m in details if isinstance(m, Meeting)}
        return [found.get(m.id, m) for m in meetings]

    # --- scheduling for someone else -------------------------------------------------------

    async def for_host(self, host_email: str) -> ZoomActor:
        """An actor that schedules and lists meetings for ``host_email``, as their assistant.

        User mode: creates go to ``me`` with ``schedule_for`` and Zoom itself enforces the
        scheduling privilege and shared access; the host's list is read on the host's path.
        Account mode: the account token could act for anyone, so the caller must first be
        among the host's assistants in Zoom; then everything uses the host's path (never ``me``).
        """
        host = ZoomUserRef(host_email)
        if self._user is not None:
            return ZoomActor("user", _user=self._user, _host=host)
        assert self._account is not None
        me = await self._caller_user()
        try:
            assistants = await self._account.list_assistants(host)
        except ZoomError as error:
            raise _about_host(error, host) from None
        if not any(a.id == me.id or a.email.lower() == me.email.lower() for a in assistants):
            raise Refusal(
                RefusalKind.NOT_ASSISTANT, "schedule for that user", zoom_email=me.email, host=host.value
            )
        return ZoomActor("account", _account=self._account, _ref=host, _caller=me, _host=host)

    async def schedulers(self) -> list[Delegate]:
        """The Zoom users who gave the caller scheduling privilege: whom `host` may name."""
        if self._user is not None:
            return await self._user.list_schedulers()
        assert self._account is not None and self._ref is not None
        return await self._account.list_schedulers(self._ref)

    def _about_host(self, error: ZoomError) -> ZoomError:
        return (
            error if self._host is None else _about_host(error, self._host, user_mode=self._user is not None)
        )

    async def get(self, meeting_id: int) -> Meeting:
        meeting = await self._client().get_meeting(meeting_id)
        await self._check_owner(meeting, "look at the meeting")
        return meeting

    async def readable(self, meeting_id: int) -> Meeting:
        """The meeting, if this person may read it (for link previews).

        User mode: whatever the person's own token can read (Zoom answers 3001 otherwise).
        Account mode: any meeting of the account, but only for someone who is a user of
        that account — a Slack guest with no Zoom user there reads nothing.
        """
        if self._account is not None:
            await self._caller_user()
        return await self._client().get_meeting(meeting_id)

    async def host_name(self, meeting: Meeting) -> str:
        """The host's name as Zoom has it; their e-mail (part of the meeting) when it can't be read."""
        try:
            me = await self._caller_user()
            if meeting.host_id == me.id:
                host = me
            elif self._account is not None and meeting.host_id:
                host = await self._account.get_user(ZoomUserRef(meeting.host_id))
            else:  # a user token may read only its own user
                return meeting.host_email
        except (ZoomError, ValueError):
            return meeting.host_email
        return host.display_name or host.email or meeting.host_email

    async def move(self, meeting_id: int, *, start: datetime, tz_name: str) -> Meeting:
        meeting = await self.get(meeting_id)
        update = MeetingUpdate(start_time=start, timezone=tz_name)
        await self._client().update_meeting(meeting_id, update, host=meeting.host_email)
        return await self._client().get_meeting(meeting_id)

    async def move_occurrence(self, meeting: Meeting, occurrence_id: str, *, start: datetime) -> Meeting:
        """Move one occurrence of the caller's series (``meeting`` as read by :meth:`get`)."""
        client = self._client()
        await client.update_meeting(
            meeting.id, MeetingUpdate(start_time=start), occurrence_id=occurrence_id, host=meeting.host_email
        )
        return await client.get_meeting(meeting.id)

    async def reschedule_series(
        self,
        meeting_id: int,
        *,
        start: datetime,
        duration: int | None,
        tz_name: str,
        recurrence: Recurrence,
    ) -> Meeting:
        """Give the whole series (or a one-off, which becomes one) a new rule and first start."""
        meeting = await self.get(meeting_id)
        update = MeetingUpdate(
            start_time=start,
            timezone=tz_name,
            duration=duration,
            type=MeetingType.RECURRING,
            recurrence=recurrence,
        )
        await self._client().update_meeting(meeting_id, update, host=meeting.host_email)
        return await self._client().get_meeting(meeting_id)

    async def cancel_occurrence(self, meeting_id: int, occurrence_id: str) -> Meeting:
        """Delete one occurrence of the caller's series; returns the meeting as it was."""
        meeting = await self.get(meeting_id)
        await self._client().delete_meeting(meeting_id, occurrence_id=occurrence_id)
        return meeting

    async def cancel(self, meeting_id: int) -> Meeting:
        """Delete the caller's meeting; returns it as it was."""
        meeting = await self.get(meeting_id)
        await self._client().delete_meeting(meeting_id)
        return meeting

    async def recordings(self, *, since: datetime, until: datetime, trash: bool = False) -> list[Recording]:
        """The caller's cloud recordings (or those in their trash) that started in the period."""
        if self._user is not None:
            return await self._user.list_recordings(since.date(), until.date(), trash=trash)
        assert self._account is not None and self._ref is not None
        return await self._account.list_recordings(self._ref, since.date(), until.date(), trash=trash)

    async def trash_recordings(self, meeting_uuid: str) -> None:
        await self._client().trash_recordings(meeting_uuid)

    async def recover_recordings(self, meeting_uuid: str) -> None:
        await self._client().recover_recordings(meeting_uuid)

    async def is_zoom_admin(self) -> bool:
        """Account mode: whether Zoom names the caller an owner or admin of the account."""
        if self._account is None:
            return False
        return _is_active_admin(await self._caller_user())

    async def meeting_summary(self, meeting_uuid: str) -> MeetingSummary:
        """The AI Companion summary of a meeting instance the caller hosted."""
        return await self._client().meeting_summary(meeting_uuid)

    async def users(self) -> list[ZoomUser]:
        account = await self._admin("list the account's users")
        return await account.list_users()

    async def user(self, email: str) -> ZoomUser:
        account = await self._admin("look up that user")
        return await account.get_user(ZoomUserRef(email))

    async def attendance(self, meeting_id: int) -> list[Stay]:
        """Who attended one of the caller's past meetings (its last instance)."""
        if self._user is not None:
            return await self._user.attendance(meeting_id)
        meeting = await self.get(meeting_id)  # account mode: only the caller's own meetings
        assert self._account is not None
        return await self._account.attendance(meeting.id)

    async def instance_attendance(self, meeting_uuid: str) -> list[Stay]:
        """Who attended one meeting instance, by UUID (the caller checks whose meeting it was)."""
        return await self._client().attendance(meeting_uuid)

    async def account_reports(self, operation: str) -> AccountReports:
        """The account's usage and dashboards: for Zoom owners and admins, in account mode."""
        account = await self._admin(operation)
        return account.reports()

    async def account_users(self, operation: str) -> tuple[AccountUsers, ZoomUser]:
        """Adding and switching off users, for Zoom owners and admins in account mode; and the caller."""
        account = await self._admin(operation)
        return account.users_admin(), await self._caller_user()

    # --- guards ---------------------------------------------------------------------------

    def _client(self) -> UserZoom | AccountZoom:
        client = self._user or self._account
        assert client is not None
        return client

    async def _check_owner(self, meeting: Meeting, operation: str) -> None:
        # A user token only ever sees its own meetings; an account token sees everyone's,
        # so in account mode the bot itself must refuse other hosts' meetings.
        if self._account is None:
            return
        me = await self._caller_user()
        if meeting.host_id and meeting.host_id != me.id:
            raise Refusal(RefusalKind.NOT_YOURS, operation, meeting_id=meeting.id, zoom_email=me.email)

    async def _caller_user(self) -> ZoomUser:
        if self._caller is None:
            self._caller = await self.me()
        return self._caller

    async def _admin(self, operation: str) -> AccountZoom:
        if self._account is None:
            raise Refusal(RefusalKind.ACCOUNT_MODE_REQUIRED, operation)
        me = await self._caller_user()
        if not _is_active_admin(me):
            role = me.role_name if me.status == "active" else f"{me.role_name} (deactivated)"
            raise Refusal(RefusalKind.NOT_ZOOM_ADMIN, operation, role_name=role)
        return self._account


def _is_active_admin(user: ZoomUser) -> bool:
    # A deactivated owner or admin keeps its role in Zoom but may not act: the bot acts with the
    # account's token, so it must not lend that to someone Zoom itself would not let in.
    return user.role_name.strip().lower() in ADMIN_ROLES and user.status.strip().lower() == "active"


def _about_host(error: ZoomError, host: ZoomUserRef, *, user_mode: bool = False) -> ZoomError:
    """Say which host a refusal was about, so the hint can name them."""
    error.details.setdefault("host", host.value)
    if (
        user_mode
        and error.kind is ZoomErrorKind.SCOPE
        and error.missing_scopes
        and all(scope.endswith(":admin") for scope in error.missing_scopes)
    ):
        # A user token reaches another user's data only through a privilege they gave;
        # without one Zoom asks for the admin scope a user-managed app can never hold.
        error.kind = ZoomErrorKind.SCHEDULE_PRIVILEGE
        error.args = (str(error),)
    return error


class ZoomAccess:
    """Builds the caller's :class:`ZoomActor`: their link in user mode, their e-mail in account mode."""

    def __init__(
        self,
        http: ZoomHttp,
        *,
        mode: Mode,
        user_tokens: Callable[[str, str], TokenSource] | None = None,
        account: AccountZoom | None = None,
    ) -> None:
        self._http = http
        self.mode = mode
        self._user_tokens = user_tokens
        self._account = account

    def require_account_mode(self, operation: str) -> None:
        """Refuse an account-only command in user mode before anything else happens: no Slack
        look-up, no token refresh, no Zoom call (a personal link could never answer it)."""
        if self.mode != "account":
            raise Refusal(RefusalKind.ACCOUNT_MODE_REQUIRED, operation)

    async def actor_for(self, person: SlackPerson) -> ZoomActor:
        if self.mode == "account":
            assert self._account is not None
            if not person.email:
                raise Refusal(RefusalKind.NO_SLACK_EMAIL, "find your Zoom user")
            return ZoomActor("account", _account=self._account, _ref=ZoomUserRef(person.email))
        assert self._user_tokens is not None
        # No existence check here: the token source raises NotLinkedError on the first call,
        # which saves a database read on every command.
        tokens = self._user_tokens(person.team_id, person.user_id)
        return ZoomActor("user", _user=UserZoom(self._http, tokens))
