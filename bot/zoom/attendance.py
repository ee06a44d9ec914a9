"""Who attended a past meeting: Zoom's participant list of its last instance.

User mode asks ``GET /past_meetings/{meetingId}/participants`` (Medium) with the host's own
token; account mode asks the report, ``GET /report/meetings/{meetingId}/participants`` (Heavy),
with the account's. Zoom has the list only some minutes after the meeting ended; until then it
answers 3001 ("Meeting does not exist"). A meeting id means its most recent instance; a UUID
one instance (double-encoded where Zoom says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.zoom.http import TokenSource, ZoomHttp
from bot.zoom.ids import meeting_id_param, meeting_uuid_param

PAGE_SIZE = 300
MAX_STAYS = 3000  # ten pages: a bound on what one read-out pulls


@dataclass(frozen=True)
class Stay:
    """One join-to-leave stay. Someone who rejoined has several; ``who`` ties them together."""

    who: str  # the Zoom user id, else the e-mail, else the display name
    name: str  # the display name: the only thing about a person the bot shows
    seconds: int

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> Stay:
        name = str(data.get("name") or "").strip()
        who = str(data.get("id") or data.get("user_email") or name).strip().lower()
        return cls(who=who or name.lower(), name=name, seconds=max(0, int(data.get("duration") or 0)))


async def past_participants(
    http: ZoomHttp, tokens: TokenSource, meeting: int | str, *, account: bool
) -> list[Stay]:
    """Every stay in ``meeting``'s last instance (an id) or in one instance (a UUID string)."""
    if isinstance(meeting, int) or str(meeting).isdigit():
        param = meeting_id_param(meeting)
    else:
        param = meeting_uuid_param(str(meeting))
    path = (
        "/report/meetings/{meetingId}/participants" if account else "/past_meetings/{meetingId}/participants"
    )
    stays: list[Stay] = []
    token = ""
    while len(stays) < MAX_STAYS:
        params: dict[str, str | int] = {"page_size": PAGE_SIZE}
        if token:
            params["next_page_token"] = token
        response = await http.api(
            "GET",
            path,
            tokens=tokens,
            operation="read the meeting's attendance",
            path_params={"meetingId": param},
            params=params,
        )
        data = response.json()
        stays.extend(Stay.from_zoom(item) for item in data.get("participants") or [])
        token = str(data.get("next_page_token") or "")
        if not token:
            break
    return stays[:MAX_STAYS]
