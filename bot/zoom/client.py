"""Typed Zoom operations, safe by construction for the two auth modes.

- ``UserZoom`` (user-managed OAuth): every call is about the token's own user, so every
  user-scoped path uses ``me`` and no method takes a user id.
- ``AccountZoom`` (Server-to-Server OAuth): ``me`` means nothing to an account token, so
  every user-scoped method takes a ``ZoomUserRef`` — a user id or e-mail that can never
  be empty or ``me``.

Creating a meeting is the one operation that is not safe to repeat. When its answer is lost (read
timeout, dropped connection, 5xx) we *reconcile* instead of retrying: each create carries a random
reference in its agenda, and we look for it among the host's upcoming meetings. Zoom's list endpoint
never returns instant (type 1) meetings, so an "instant" meeting is created as a scheduled meeting
(type 2) starting now: it can be joined and started at once like an instant one, and found again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.zoom.account_users import AccountUsers
from bot.zoom.attendance import Stay, past_participants
from bot.zoom.changes import MeetingRequest, MeetingUpdate
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import TokenSource, ZoomHttp
from bot.zoom.ids import ME, ZoomUserRef, meeting_id_param, meeting_uuid_param
from bot.zoom.models import (
    Delegate,
    Meeting,
    MeetingSummary,
    Page,
    Recording,
    ZoomUser,
    date_windows,
    ref_marker,
)
from bot.zoom.reports import AccountReports

MAX_PAGE_SIZE = 300
_RECONCILE_LIST_LIMIT = 1000


class _Operations:
    """The operations both modes share; ``user`` is ``me`` or a validated reference."""

    def __init__(
        self, http: ZoomHttp, tokens: TokenSource, *, new_ref: Callable[[], str] | None = None
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._new_ref = new_ref or (lambda: secrets.token_hex(6))

    async def _get_json(
        self, path: str, operation: str, *, path_params: dict[str, str | int], params: dict[str, str | int]
    ) -> dict[str, Any]:
        response = await self._http.api(
            "GET", path, tokens=self._tokens, operation=operation, path_params=path_params, params=params
        )
        data: dict[str, Any] = response.json()
        return data

    async def _get_user(self, user: str) -> ZoomUser:
        data = await self._get_json(
            "/users/{userId}", "look up the Zoom user", path_params={"userId": user}, params={}
        )
        return ZoomUser.from_zoom(data)

    async def _delegates(self, user: str, kind: str) -> list[Delegate]:
        # `schedulers` of a user: whom they may schedule for; `assistants`: who may schedule
        # for them. At most 30 each, in one unpaged answer.
        operation = "list whom you can schedule for" if kind == "schedulers" else "list the user's assistants"
        data = await self._get_json(
            f"/users/{{userId}}/{kind}", operation, path_params={"userId": user}, params={}
        )
        return [Delegate.from_zoom(item) for item in data.get(kind) or []]

    # -- meetings --------------------------------------------------------------------------

    async def _create_meeting(self, user: str, request: MeetingRequest) -> Meeting:
        ref = self._new_ref()
        body = request.to_zoom(ref, now=self._http.clock())
        try:
            response = await self._http.api(
                "POST",
                "/users/{userId}/meetings",
                tokens=self._tokens,
                operation="create a meeting",
                path_params={"userId": user},
                json=body,
                idempotent=False,
            )
        except ZoomError as error:
            if error.kind != ZoomErrorKind.UNAVAILABLE:
                raise
            # Zoom may have created it: look before anyone tries again.
            host = request.schedule_for or user
            return await self._reconcile_create(host, ref, error)
        return Meeting.from_zoom(response.json())

    async def _reconcile_create(self, host: str, ref: str, cause: ZoomError) -> Meeting:
        marker = ref_marker(ref)
        try:
            listed = await self._list_meetings_raw(host, "upcoming", limit=_RECONCILE_LIST_LIMIT)
        except ZoomError:
            cause.outcome = Outcome.UNKNOWN
            cause.details["reconciled"] = "no: could not list meetings"
            raise cause from None
        for item in listed:
            if marker in str(item.get("agenda") or ""):
                return await self.get_meeting(int(item["id"]))
        # A 5xx is an answer: with no trace in the listing, nothing was created. A lost
        # answer is not: Zoom may still be working on it.
        cause.outcome = Outcome.UNCHANGED if cause.status is not None else Outcome.UNKNOWN
        cause.details["reconciled"] = "yes: no such meeting found"
        raise cause

    async def _list_meetings_raw(
        self, user: str, kind: str, *, limit: int, page_size: int = MAX_PAGE_SIZE
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        async for page in self._pages(
            "/users/{userId}/meetings",
            "list meetings",
            "meetings",
            path_params={"userId": user},
            params={"type": kind},
            page_size=page_size,
            limit=limit,
        ):
            found.extend(page)
        return found[:limit]

    async def _list_upcoming(self, user: str, limit: int, page_size: int) -> list[Meeting]:
        items = await self._list_meetings_raw(user, "upcoming", limit=limit, page_size=page_size)
        return [Meeting.from_zoom(item) for item in items]

    async def _pages(
        self,
        path: str,
        operation: str,
        field: str,
        *,
        path_params: dict[str, str | int],
        params: dict[str, str | int],
        page_size: int,
        limit: int,
    ) -> Any:
        """Follow ``next_page_token`` with the same query and page size until ``limit`` items."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1-{MAX_PAGE_SIZE}")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        token = ""
        seen = 0
        while True:
            query: dict[str, str | int] = {**params, "page_size": page_size}
            if token:
                query["next_page_token"] = token
            data = await self._get_json(path, operation, path_params=path_params, params=query)
            items = list(data.get(field) or [])
            page = Page(
                items=items,
                next_page_token=str(data.get("next_page_token") or ""),
                total_records=data.get("total_records"),
            )
            yield page.items
            seen += len(items)
            if page.is_last or seen >= limit or not items:
                return
            token = page.next_page_token

    # Meeting-id operations read the same in both modes: no user in the path.

    async def get_meeting(self, meeting_id: int | str) -> Meeting:
        data = await self._get_json(
            "/meetings/{meetingId}",
            "look up the meeting",
            path_params={"meetingId": meeting_id_param(meeting_id)},
            params={},
        )
        return Meeting.from_zoom(data)

    async def update_meeting(
        self,
        meeting_id: int | str,
        update: MeetingUpdate,
        *,
        occurrence_id: str | None = None,
        host: str = "",
    ) -> None:
        """PATCH the meeting, or one occurrence; it counts against ``host``'s (e-mail) daily cap."""
        await self._http.api(
            "PATCH",
            "/meetings/{meetingId}",
            tokens=self._tokens,
            operation="change the meeting",
            path_params={"meetingId": meeting_id_param(meeting_id)},
            params={"occurrence_id": occurrence_id} if occurrence_id else None,
            json=update.to_zoom(),
            host=host or None,
        )

    async def delete_meeting(
        self, meeting_id: int | str, *, occurrence_id: str | None = None, notify: bool = False
    ) -> None:
        params: dict[str, str | int] = {"cancel_meeting_reminder": "true" if notify else "false"}
        if occurrence_id:
            params["occurrence_id"] = occurrence_id
        await self._http.api(
            "DELETE",
            "/meetings/{meetingId}",
            tokens=self._tokens,
            operation="cancel the meeting",
            path_params={"meetingId": meeting_id_param(meeting_id)},
            params=params,
        )

    async def end_meeting(self, meeting_id: int | str) -> None:
        await self._http.api(
            "PUT",
            "/meetings/{meetingId}/status",
            tokens=self._tokens,
            operation="end the meeting",
            path_params={"meetingId": meeting_id_param(meeting_id)},
            json={"action": "end"},
        )

    async def meeting_summary(self, meeting_uuid: str) -> MeetingSummary:
        """The AI Companion summary of one meeting instance (by UUID, not meeting id)."""
        data = await self._get_json(
            "/meetings/{meetingId}/meeting_summary",
            "read the meeting summary",
            path_params={"meetingId": meeting_uuid_param(meeting_uuid)},
            params={},
        )
        return MeetingSummary.from_zoom(data)

    async def trash_recordings(self, meeting_uuid: str) -> None:
        """Move one meeting instance's cloud recordings to the trash (recoverable for 30 days)."""
        await self._http.api(
            "DELETE",
            "/meetings/{meetingId}/recordings",
            tokens=self._tokens,
            operation="move the recording to the trash",
            path_params={"meetingId": meeting_uuid_param(meeting_uuid)},
            params={"action": "trash"},
        )

    async def recover_recordings(self, meeting_uuid: str) -> None:
        """Bring one meeting instance's cloud recordings back from the trash."""
        await self._http.api(
            "PUT",
            "/meetings/{meetingUUID}/recordings/status",
            tokens=self._tokens,
            operation="recover the recording",
            path_params={"meetingUUID": meeting_uuid_param(meeting_uuid)},
            json={"action": "recover"},
        )

    async def _list_recordings(
        self, user: str, start: date, end: date, limit: int, *, trash: bool = False
    ) -> list[Recording]:
        found: list[Recording] = []
        # Zoom answers at most one month per request; newest window first.
        for window_start, window_end in reversed(date_windows(start, end)):
            async for page in self._pages(
                "/users/{userId}/recordings",
                "list cloud recordings",
                "meetings",
                path_params={"userId": user},
                params={
                    "from": window_start.isoformat(),
                    "to": window_end.isoformat(),
                    **({"trash": "true", "trash_type": "meeting_recordings"} if trash else {}),
                },
                page_size=MAX_PAGE_SIZE,
                limit=limit - len(found),
            ):
                found.extend(Recording.from_zoom(item) for item in page)
            if len(found) >= limit:
                break
        return found[:limit]


class UserZoom(_Operations):
    """Zoom as one linked user sees it (user-managed OAuth). Every path uses ``me``."""

    async def get_user(self) -> ZoomUser:
        return await self._get_user(ME)

    async def attendance(self, meeting: int | str) -> list[Stay]:
        """Who attended the host's own past meeting (``/past_meetings``)."""
        return await past_participants(self._http, self._tokens, meeting, account=False)

    async def create_meeting(self, request: MeetingRequest) -> Meeting:
        """Create a meeting (``request.schedule_for`` needs scheduling privilege at Zoom)."""
        return await self._create_meeting(ME, request)

    async def list_upcoming_meetings(self, *, limit: int = 100, page_size: int = 100) -> list[Meeting]:
        return await self._list_upcoming(ME, limit, page_size)

    async def list_recordings(
        self, start: date, end: date, *, limit: int = 300, trash: bool = False
    ) -> list[Recording]:
        """Cloud recordings from ``start`` to ``end`` (UTC dates, inclusive), newest first."""
        return await self._list_recordings(ME, start, end, limit, trash=trash)

    async def list_schedulers(self) -> list[Delegate]:
        """The users who gave this user scheduling privilege (whom they may schedule for)."""
        return await self._delegates(ME, "schedulers")

    async def list_host_upcoming_meetings(
        self, host: ZoomUserRef, *, limit: int = 100, page_size: int = 100
    ) -> list[Meeting]:
        """Another user's meetings, read through the linked user's scheduling privilege for them.

        The one user-mode call that names someone other than ``me``: Zoom allows it only
        when the host gave this user scheduling privilege and this user let the app use
        their shared access permissions when authorizing it.
        """
        return await self._list_upcoming(host.value, limit, page_size)


class AccountZoom(_Operations):
    """Zoom as the whole account sees it (Server-to-Server OAuth). Never uses ``me``."""

    async def attendance(self, meeting: int | str) -> list[Stay]:
        """Who attended a past meeting of the account (the participants report)."""
        return await past_participants(self._http, self._tokens, meeting, account=True)

    def reports(self) -> AccountReports:
        """The account's usage report and live dashboard, on the same token."""
        return AccountReports(self._http, self._tokens)

    def users_admin(self) -> AccountUsers:  # create, deactivate, activate users; same token
        return AccountUsers(self._http, self._tokens)

    async def get_user(self, user: ZoomUserRef) -> ZoomUser:
        return await self._get_user(user.value)

    async def list_users(
        self, *, status: str = "active", limit: int = 1000, page_size: int = MAX_PAGE_SIZE
    ) -> list[ZoomUser]:
        found: list[ZoomUser] = []
        async for page in self._pages(
            "/users",
            "list Zoom users",
            "users",
            path_params={},
            params={"status": status},
            page_size=page_size,
            limit=limit,
        ):
            found.extend(ZoomUser.from_zoom(item) for item in page)
        return found[:limit]

    async def create_meeting(self, user: ZoomUserRef, request: MeetingRequest) -> Meeting:
        return await self._create_meeting(user.value, request)

    async def list_upcoming_meetings(
        self, user: ZoomUserRef, *, limit: int = 100, page_size: int = 100
    ) -> list[Meeting]:
        return await self._list_upcoming(user.value, limit, page_size)

    async def list_recordings(
        self, user: ZoomUserRef, start: date, end: date, *, limit: int = 300, trash: bool = False
    ) -> list[Recording]:
        return await self._list_recordings(user.value, start, end, limit, trash=trash)

    async def list_schedulers(self, user: ZoomUserRef) -> list[Delegate]:
        """The users ``user`` may schedule for (they gave ``user`` scheduling privilege)."""
        return await self._delegates(user.value, "schedulers")

    async def list_assistants(self, user: ZoomUserRef) -> list[Delegate]:
        """The users who may schedule for ``user`` (``user`` gave them scheduling privilege)."""
        return await self._delegates(user.value, "assistants")


__all__ = ["AccountZoom", "UserZoom", "ZoomUserRef"]
