"""Paces meeting creates and updates under Zoom's per-host daily cap (100 a day, reset at 00:00 UTC).

Zoom lets each host user have 100 meeting creates plus updates a day, whichever app sends
them (zoom-api-facts §4); past that it answers a daily 429 until 00:00 UTC. The per-account
governor (``rate_governor.py``) cannot see this cap: it counts seconds, not a host's day. So
the HTTP core asks this module before it sends ``POST /users/{userId}/meetings`` or
``PATCH /meetings/{meetingId}``, and nothing else:

- a slot is taken in the shared database before the request goes out (an atomic, conditional
  upsert, ``bot/store/host_writes.py``), so processes sharing the database never grant more
  than the limit between them. With none left, the call fails at once with ``DAILY_LIMIT``
  (nothing sent, ``reset_at`` the next 00:00 UTC): no round trip to learn what we know;
- the slot is given back when the request certainly did not reach Zoom (the connection failed
  before anything was sent, our own pacing held it back) or Zoom refused it before acting (a
  4xx other than the daily 429): Zoom did not count it either;
- Zoom's own daily 429 means other apps on the account spent the host's 100: the host is
  marked used up until the reset, so the next call is not sent;
- hosts are keyed by the SHA-256 of the lower-cased e-mail (or the Zoom user id when that is
  all we have): the table never holds an e-mail.

The count is an optimisation, not a gate: when the database fails, the call goes out (Zoom's
429 stays the backstop) and the failure is logged once until the database answers again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind

log = logging.getLogger(__name__)

DAILY_LIMIT = 100  # meeting creates + updates per host user per UTC day
CREATE_PATH = "/users/{userId}/meetings"
UPDATE_PATH = "/meetings/{meetingId}"


class HostWriteLedger(Protocol):
    """Per host and UTC day, the creates and updates sent, shared by every bot process."""

    async def take(self, host_key: str, day: date, *, limit: int, now: datetime) -> bool:
        """Count one more unless ``limit`` is reached or the host is used up: True when counted."""
        ...

    async def give_back(self, host_key: str, day: date) -> None: ...

    async def use_up(self, host_key: str, day: date, *, until: datetime) -> None: ...


def host_key(host: str) -> str:
    """The ledger's key of a host: SHA-256 of the e-mail lower-cased (Zoom treats e-mails
    case-insensitively), or of the Zoom user id as it is (ids are case-sensitive)."""
    name = host.strip().lower() if "@" in host else host.strip()
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def next_reset(now: datetime) -> datetime:
    """The next 00:00 UTC after ``now``: when Zoom resets the per-host count."""
    return datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(0), UTC)


def counted(method: str, path_template: str) -> bool:
    """Whether a call is a meeting create or update: the two Zoom counts per host and day."""
    return (method, path_template) in _COUNTED


_COUNTED = {("POST", CREATE_PATH), ("PATCH", UPDATE_PATH)}


def paced_host(
    method: str,
    path_template: str,
    path_params: Mapping[str, str | int],
    body: Any,
    host: str | None,
    token_user: Callable[[], str | None],
) -> str | None:
    """Whose daily count a call spends, or None for calls the cap does not cover.

    A create counts for the meeting's host: ``schedule_for`` when given, else the user in the
    path, else (``me``) the token's own user. An update counts for the meeting's host, which
    the caller names (``host``); unnamed, it goes unpaced."""
    if method == "POST" and path_template == CREATE_PATH:
        schedule_for = body.get("schedule_for") if isinstance(body, dict) else None
        if isinstance(schedule_for, str) and schedule_for.strip():
            return schedule_for
        user = str(path_params.get("userId", ""))
        return user if user and user != "me" else token_user()
    if method == "PATCH" and path_template == UPDATE_PATH:
        return host or None
    return None


@dataclass(frozen=True)
class Slot:
    """One create/update counted for a host today, until it is settled."""

    host_key: str
    day: date


class HostWrites:
    """The per-host daily count, as the HTTP core consults it (see the module docstring)."""

    def __init__(self, ledger: HostWriteLedger, *, limit: int = DAILY_LIMIT) -> None:
        self._ledger = ledger
        self.limit = limit
        self._failing = False  # the database failed and that was logged; reset when it answers
        self.refused = 0  # calls answered "used up" without being sent (metrics, tests)

    async def take(self, host: str, operation: str, now: datetime) -> Slot | None:
        """Count one call for ``host`` today, or raise ``DAILY_LIMIT`` without sending it.

        None when the database could not say: the call goes out uncounted."""
        slot = Slot(host_key(host), now.astimezone(UTC).date())
        try:
            granted = await self._ledger.take(slot.host_key, slot.day, limit=self.limit, now=now)
        except Exception as error:
            self._failed("count", error)
            return None
        self._failing = False
        if not granted:
            self.refused += 1
            raise used_up(operation, now)
        return slot

    async def settle(self, slot: Slot, error: ZoomError, *, reached: bool) -> None:
        """After a failed call: mark the host used up on Zoom's daily 429, give the slot back
        when Zoom never counted the call, keep it otherwise (Zoom may have acted)."""
        try:
            if error.kind is ZoomErrorKind.DAILY_LIMIT and error.status == 429:
                until = error.reset_at or next_reset(datetime.now(UTC))
                await self._ledger.use_up(slot.host_key, slot.day, until=until)
            elif not reached:
                await self._ledger.give_back(slot.host_key, slot.day)
        except Exception as failure:
            self._failed("settle", failure)

    def _failed(self, step: str, error: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning(
                "could not %s a meeting create/update in the database (%s); calls go to Zoom "
                "uncounted until it answers",
                step,
                type(error).__name__,
            )


def used_up(operation: str, now: datetime) -> ZoomError:
    """The refusal for a host with no create/update left today: nothing was sent to Zoom."""
    reset = next_reset(now)
    error = ZoomError(
        kind=ZoomErrorKind.DAILY_LIMIT,
        operation=operation,
        message="",
        outcome=Outcome.UNCHANGED,
        reset_at=reset,
        retry_after=max(0.0, (reset - now).total_seconds()),
    )
    error.details["paced"] = "yes"
    return error
