"""The account's read-outs for admins: the daily usage report and the live-meetings dashboard.

Both are account-level (Server-to-Server OAuth, an admin scope) and costly for Zoom: the daily
report is a Heavy call that answers a whole month at a time, the dashboard a Resource-intensive
one (10–20 a minute per account). Callers cache; this module only asks and parses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.zoom.http import TokenSource, ZoomHttp
from bot.zoom.models import parse_time

LIVE_PAGE_SIZE = 300  # the dashboard's largest page
MAX_LIVE_MEETINGS = 1000  # an upper bound on what one read-out lists


@dataclass(frozen=True)
class DayUsage:
    day: date
    new_users: int
    meetings: int
    participants: int
    meeting_minutes: int

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> DayUsage:
        return cls(
            day=date.fromisoformat(str(data["date"])[:10]),
            new_users=int(data.get("new_users") or 0),
            meetings=int(data.get("meetings") or 0),
            participants=int(data.get("participants") or 0),
            meeting_minutes=int(data.get("meeting_minutes") or 0),
        )


@dataclass(frozen=True)
class LiveMeeting:
    id: int
    topic: str
    host: str  # the host's display name
    participants: int
    start_time: datetime | None

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> LiveMeeting:
        return cls(
            id=int(data["id"]),
            topic=str(data.get("topic") or ""),
            host=str(data.get("host") or ""),
            participants=int(data.get("participants") or 0),
            start_time=parse_time(data.get("start_time")),
        )


class AccountReports:
    """``GET /report/daily`` and ``GET /metrics/meetings?type=live`` with the account's token."""

    def __init__(self, http: ZoomHttp, tokens: TokenSource) -> None:
        self._http = http
        self._tokens = tokens

    async def daily_usage(self, year: int, month: int) -> list[DayUsage]:
        """Every day of that month Zoom has figures for (one call answers the whole month)."""
        response = await self._http.api(
            "GET",
            "/report/daily",
            tokens=self._tokens,
            operation="read the account's daily usage",
            path_params={},
            params={"year": year, "month": month},
        )
        return [DayUsage.from_zoom(item) for item in response.json().get("dates") or []]

    async def live_meetings(self, today: date) -> list[LiveMeeting]:
        """Meetings in progress now. Zoom wants a date range even for live ones: today."""
        found: list[LiveMeeting] = []
        token = ""
        while len(found) < MAX_LIVE_MEETINGS:
            params: dict[str, str | int] = {
                "type": "live",
                "from": today.isoformat(),
                "to": today.isoformat(),
                "page_size": LIVE_PAGE_SIZE,
            }
            if token:
                params["next_page_token"] = token
            response = await self._http.api(
                "GET",
                "/metrics/meetings",
                tokens=self._tokens,
                operation="read the meetings in progress",
                path_params={},
                params=params,
            )
            data = response.json()
            found.extend(LiveMeeting.from_zoom(item) for item in data.get("meetings") or [])
            token = str(data.get("next_page_token") or "")
            if not token:
                break
        return found[:MAX_LIVE_MEETINGS]
