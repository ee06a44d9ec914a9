"""Who a Zoom participant is in a Slack call: the Slack user with that e-mail, or an external user.

Slack shows a call's Slack users with their own name and picture; everyone else is an
external user under the name they gave Zoom. ``users.lookupByEmail`` (Tier 3) is asked once
per workspace and address for a while, its "no such user" remembered too, so a meeting full
of guests costs no look-ups and a rejoin costs none either.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.services.call_feed import CallPerson
from bot.slack.outbox import SlackOut, SlackOutError, SlackRefused

log = logging.getLogger(__name__)

CACHE_SECONDS = 600.0
MAX_CACHED = 10_000
MAX_DISPLAY_NAME = 80
_NOT_FOUND = ("users_not_found", "user_not_found")

CallUser = dict[str, str]  # {"slack_id": …} or {"external_id": …, "display_name": …}


class CallPeople:
    def __init__(
        self, slack: SlackOut, *, ttl: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._slack = slack
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, str | None]] = {}

    async def user(self, team_id: str, person: CallPerson) -> CallUser:
        """The call's user object for ``person`` in workspace ``team_id``."""
        slack_id = await self._slack_id(team_id, person.email) if person.email else None
        if slack_id is not None:
            return {"slack_id": slack_id}
        return {"external_id": person.key, "display_name": person.name[:MAX_DISPLAY_NAME]}

    async def _slack_id(self, team_id: str, email: str) -> str | None:
        key = (team_id, email.lower())
        now = self._clock()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        try:
            answer = await self._slack.api(team_id, "users_lookupByEmail", {"email": email})
        except SlackRefused as refused:
            if refused.error not in _NOT_FOUND:
                # Not remembered: a missing scope or a passing fault may be gone next time.
                log.info("users.lookupByEmail refused (%s); the participant shows as a guest", refused.error)
                return None
            found: str | None = None
        except SlackOutError as error:
            log.info("users.lookupByEmail failed (%s); the participant shows as a guest", error)
            return None
        else:
            user = answer.get("user") or {}
            found = str(user["id"]) if isinstance(user, dict) and user.get("id") else None
        if len(self._cache) >= MAX_CACHED:  # bound memory: drop the oldest half
            for old in sorted(self._cache, key=lambda k: self._cache[k][0])[: MAX_CACHED // 2]:
                del self._cache[old]
        self._cache[key] = (now, found)
        return found
