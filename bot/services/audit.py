"""The audit trail of admin and recording actions: each one stored, logged as one line, read back.

:meth:`AuditTrail.attempt` wraps the action itself: it records ``ok`` when the block ends,
``refused`` when zoombot's own rule or Zoom said no (with the reason: the refusal's kind,
or ``zoom <code>``), ``failed`` when Zoom could not be reached or answered with an error of
its own; the exception goes on to become the user's hint. Only what the admin named and
what Zoom answered are kept: never a token, start link or response URL.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot.services.refusals import Refusal
from bot.store.audit import AuditRecord, AuditStore, Result
from bot.zoom.errors import NotLinkedError, ZoomError, ZoomErrorKind

log = logging.getLogger(__name__)

__all__ = ["AuditRecord", "AuditTrail", "SlackWho", "outcome_of"]

DEFAULT_SHOWN = 20
MAX_SHOWN = 100
_FAILURES = (ZoomErrorKind.UNAVAILABLE, ZoomErrorKind.UNKNOWN)


@dataclass(frozen=True)
class SlackWho:
    """Who acted: the Slack workspace and user."""

    team_id: str
    user_id: str


def outcome_of(error: BaseException) -> tuple[Result, str]:
    """How an exception ends an action in the trail: (result, reason)."""
    if isinstance(error, Refusal):
        return "refused", str(error.kind)
    if isinstance(error, NotLinkedError):
        return "refused", "not_linked"
    if isinstance(error, ZoomError):
        said = f"zoom {error.code}" if error.code is not None else f"zoom {error.kind}"
        return ("failed" if error.kind in _FAILURES else "refused"), said
    return "failed", type(error).__name__


class AuditTrail:
    def __init__(self, store: AuditStore, *, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def record(
        self,
        who: SlackWho,
        action: str,
        target: str,
        *,
        result: Result,
        detail: str | None = None,
        reason: str | None = None,
    ) -> None:
        entry = AuditRecord(
            at=self._clock(),
            team_id=who.team_id,
            user_id=who.user_id,
            action=action,
            target=target,
            result=result,
            detail=detail,
            reason=reason,
        )
        why = f" ({reason})" if reason else ""
        log.info("audit: %s %s by %s/%s: %s%s", action, target, who.team_id, who.user_id, result, why)
        try:
            await self._store.add(entry)
        except Exception:  # the action itself is done (or refused): its answer must still reach the user
            log.exception("could not store the audit entry for %s %s", action, target)

    @asynccontextmanager
    async def attempt(
        self, who: SlackWho, action: str, target: str, *, detail: str | None = None
    ) -> AsyncIterator[None]:
        """Record the action in the block: ``ok`` if it ends normally, else how it failed."""
        try:
            yield
        except Exception as error:
            result, reason = outcome_of(error)
            await self.record(who, action, target, result=result, detail=detail, reason=reason)
            raise
        await self.record(who, action, target, result="ok", detail=detail)

    async def recent(self, team_id: str, count: int = DEFAULT_SHOWN) -> list[AuditRecord]:
        return await self._store.recent(team_id, max(1, min(count, MAX_SHOWN)))
