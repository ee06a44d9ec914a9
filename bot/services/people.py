"""Who is this Slack user? Time zone, e-mail and admin flag from `users.info`, cached briefly.

Also: whose Zoom user a `host @dana` / `host dana@corp.com` names (:func:`host_email`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError

UTC = ZoneInfo("UTC")
CACHE_SECONDS = 300.0

UsersInfo = Callable[[str, str], Awaitable[dict[str, Any]]]  # (team_id, user_id) -> users.info "user"


@dataclass(frozen=True)
class SlackPerson:
    team_id: str
    user_id: str
    name: str
    email: str | None
    tz_name: str  # IANA name; "UTC" when Slack has none
    tz_known: bool  # False when Slack had no time zone and we fell back to UTC
    is_workspace_admin: bool
    locale: str | None = None  # Slack's language setting ("en-GB"); None when Slack didn't say

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)


def person_from_users_info(team_id: str, user: dict[str, Any]) -> SlackPerson:
    profile = user.get("profile") or {}
    tz_name = user.get("tz") or ""
    tz_known = bool(tz_name)
    try:
        ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz_known = False
    email = profile.get("email")
    return SlackPerson(
        team_id=team_id,
        user_id=str(user.get("id", "")),
        name=str(profile.get("real_name") or user.get("real_name") or user.get("name") or user.get("id", "")),
        email=str(email).strip() if email else None,
        tz_name=tz_name if tz_known else "UTC",
        tz_known=tz_known,
        is_workspace_admin=bool(user.get("is_admin") or user.get("is_owner")),
        locale=str(user["locale"]) if isinstance(user.get("locale"), str) and user["locale"] else None,
    )


class PeopleDirectory:
    """Caches `users.info` per user for a few minutes (it is Tier 4, but every command needs it)."""

    def __init__(
        self,
        users_info: UsersInfo,
        *,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._users_info = users_info
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, SlackPerson]] = {}

    async def get(self, team_id: str, user_id: str) -> SlackPerson:
        key = (team_id, user_id)
        hit = self._cache.get(key)
        now = self._clock()
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        person = person_from_users_info(team_id, await self._users_info(team_id, user_id))
        self._cache[key] = (now, person)
        if len(self._cache) > 10_000:  # bound memory: drop the oldest half
            for old in sorted(self._cache, key=lambda k: self._cache[k][0])[:5_000]:
                del self._cache[old]
        return person

    def forget(self, team_id: str, user_id: str) -> None:
        self._cache.pop((team_id, user_id), None)


class HostProblem(StrEnum):
    NO_EMAIL = "no_email"  # the mentioned Slack user's profile shows no e-mail
    UNKNOWN_USER = "unknown_user"  # Slack has no such user (deleted, or another workspace)


class HostLookupError(Exception):
    """The person named after `host` can't be turned into a Zoom e-mail."""

    def __init__(self, problem: HostProblem, label: str) -> None:
        super().__init__(f"host {label}: {problem}")
        self.problem = problem
        self.label = label  # as the caller typed it, e.g. "@dana"


async def host_email(
    people: PeopleDirectory,
    caller: SlackPerson,
    *,
    slack_user_id: str | None,
    email: str | None,
    label: str,
) -> str | None:
    """The Zoom e-mail of the host a command names, or None when that is the caller.

    A mentioned Slack user stands for the Zoom user with their Slack profile e-mail (as
    account mode maps every caller); a typed e-mail is taken as it is.
    """
    if slack_user_id is not None:
        if slack_user_id == caller.user_id:
            return None
        try:
            person = await people.get(caller.team_id, slack_user_id)
        except SlackApiError as error:
            if error.response.get("error") in ("user_not_found", "users_not_found"):
                raise HostLookupError(HostProblem.UNKNOWN_USER, label) from None
            raise
        if not person.email:
            raise HostLookupError(HostProblem.NO_EMAIL, label)
        email = person.email
    assert email is not None
    if caller.email and email.lower() == caller.email.lower():
        return None
    return email
