"""Status sync, opt-in per person: their Slack status says "In a Zoom meeting" while they are in one.

Setting someone's status needs their own Slack user token, so `on` sends them through
Slack's OAuth (``user_scope`` only); the token is kept sealed (``bot/store/status_sync.py``)
and `off` revokes it at Slack and forgets it. When a meeting starts for them, their status
as it was is read and kept, and ours is set with an expiry (the scheduled end, else two
hours), so a missed end cannot leave it up for ever. When it ends, the old status comes
back only if the one showing is still ours: a status they changed meanwhile is theirs.
Each change is made once across processes, under the row's lease.

The Slack calls themselves are behind :class:`SlackUserApi` (``bot/slack/user_api.py``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.store.status_sync import SavedStatus, StatusRecord, StatusSyncStore

log = logging.getLogger(__name__)

STATUS_TEXT = "In a Zoom meeting"
STATUS_EMOJI = ":video_camera:"  # Slack has no standard :zoom: emoji
DEFAULT_HOLD = timedelta(hours=2)  # when the meeting has no scheduled end
USER_SCOPES = ("users.profile:read", "users.profile:write")
CONSENT_TTL = timedelta(minutes=10)
LEASE = timedelta(seconds=60)
# Slack's answers that mean the token will never work again.
DEAD_TOKEN_ERRORS = frozenset(
    {"token_revoked", "invalid_auth", "account_inactive", "token_expired", "not_authed", "missing_scope"}
)

Clock = Callable[[], datetime]


class SlackUserApiError(Exception):
    """Slack refused a call made with a person's token, or did not answer (``error`` says which)."""

    def __init__(self, error: str, *, transient: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient

    @property
    def dead_token(self) -> bool:
        return self.error in DEAD_TOKEN_ERRORS


@dataclass(frozen=True)
class UserGrant:
    """What ``oauth.v2.access`` gave for a person's consent."""

    team_id: str
    user_id: str
    token: str
    scopes: frozenset[str]


class SlackUserApi(Protocol):
    """Slack's OAuth and profile methods, with a person's own token."""

    def authorize_url(self, state: str, team_id: str) -> str: ...

    async def exchange(self, code: str) -> UserGrant: ...

    async def read_status(self, token: str) -> SavedStatus: ...

    async def write_status(self, token: str, status: SavedStatus) -> None: ...

    async def revoke(self, token: str) -> None: ...


class ConsentOutcome(StrEnum):
    ON = "on"
    STATE_INVALID = "state_invalid"  # unknown, used, expired or forged
    DECLINED = "declined"
    REFUSED = "refused"  # Slack did not accept the code
    WRONG_PERSON = "wrong_person"  # someone else (or another workspace) completed the consent
    SCOPES_MISSING = "scopes_missing"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class OffResult:
    was_on: bool
    revoked: bool


class StatusSync:
    def __init__(
        self,
        store: StatusSyncStore,
        api: SlackUserApi | None,
        *,
        clock: Clock,
        owner: str,
        follows_meetings: bool = True,
    ) -> None:
        self._store = store
        self._api = api
        self._clock = clock
        self._owner = owner
        # False without Zoom's webhooks: nothing would ever say when a meeting starts.
        self.follows_meetings = follows_meetings

    @property
    def available(self) -> bool:
        """False when the Slack app's client id and secret are not configured (no OAuth possible)."""
        return self._api is not None

    async def current(self, team_id: str, user_id: str) -> StatusRecord | None:
        return await self._store.get(team_id, user_id)

    async def opted_in(self, *, zoom_user_id: str | None, email: str | None) -> list[StatusRecord]:
        """The people with status sync on whose Zoom user this is."""
        return await self._store.opted_in(zoom_user_id=zoom_user_id, email=email)

    # -- on and off ------------------------------------------------------------------------

    async def begin(self, team_id: str, user_id: str, *, zoom_user_id: str, zoom_email: str) -> str:
        """The URL of Slack's consent page for this person (single-use state, 10 minutes)."""
        assert self._api is not None
        state = secrets.token_urlsafe(32)
        await self._store.pending(
            team_id,
            user_id,
            zoom_user_id=zoom_user_id,
            zoom_email=zoom_email,
            state=state,
            until=self._clock() + CONSENT_TTL,
        )
        return self._api.authorize_url(state, team_id)

    async def complete(self, code: str, state: str) -> ConsentOutcome:
        assert self._api is not None
        asked = await self._store.use_state(state, now=self._clock())
        if asked is None:
            return ConsentOutcome.STATE_INVALID
        try:
            grant = await self._api.exchange(code)
        except SlackUserApiError as error:
            log.info("status consent not completed: Slack answered %s", error.error)
            return ConsentOutcome.UNAVAILABLE if error.transient else ConsentOutcome.REFUSED
        if (grant.team_id, grant.user_id) != asked:
            await self._revoke_quietly(grant.token)
            return ConsentOutcome.WRONG_PERSON
        if not set(USER_SCOPES) <= grant.scopes:
            await self._revoke_quietly(grant.token)
            return ConsentOutcome.SCOPES_MISSING
        if not await self._store.save_token(*asked, grant.token, " ".join(sorted(grant.scopes))):
            await self._revoke_quietly(grant.token)  # turned off while the consent was open
            return ConsentOutcome.STATE_INVALID
        log.info("status sync turned on for %s/%s", *asked)
        return ConsentOutcome.ON

    async def decline(self, state: str) -> None:
        """The person said no at Slack: their consent's state is used up, nothing else changes."""
        await self._store.use_state(state, now=self._clock())

    async def turn_off(self, team_id: str, user_id: str) -> OffResult:
        """Forget the opt-in first (no more use of the token), put back a status we set, then revoke."""
        record = await self._store.delete(team_id, user_id)
        if record is None or record.user_token is None:
            return OffResult(was_on=False, revoked=False)
        if record.status_set:
            try:
                await self._put_back(record)
            except SlackUserApiError as error:
                log.info("status not put back at off: Slack answered %s", error.error)
        return OffResult(was_on=True, revoked=await self._revoke_quietly(record.user_token))

    # -- meetings --------------------------------------------------------------------------

    async def joined(self, record: StatusRecord, meeting_key: str, *, ends_at: datetime | None) -> bool:
        """``record``'s person is in meeting ``meeting_key``: show our status. True when this call set it."""
        now = self._clock()
        if not await self._store.claim_start(record.id, meeting_key, self._owner, now=now, lease=LEASE):
            log.info("status of %s/%s: already shown for a meeting", record.team_id, record.user_id)
            return False
        assert record.user_token is not None
        until = (
            ends_at if ends_at is not None and ends_at > now + timedelta(minutes=5) else now + DEFAULT_HOLD
        )
        try:
            before = await self._api_or_fail().read_status(record.user_token)
            if _ours(before):  # a status of ours left up: there is nothing of theirs to keep
                before = SavedStatus()
            await self._api_or_fail().write_status(
                record.user_token, SavedStatus(STATUS_TEXT, STATUS_EMOJI, int(until.timestamp()))
            )
        except SlackUserApiError as error:
            await self._after_failure(record, error)
            return False
        if not await self._store.status_shown(record.id, self._owner, before, until):
            # The meeting ended while we were setting it: its end is ours to finish.
            fresh = await self._store.get(record.team_id, record.user_id)
            if fresh is not None:
                await self._end(fresh)
        log.info("status set for %s/%s while in a Zoom meeting", record.team_id, record.user_id)
        return True

    async def left(self, record: StatusRecord, meeting_key: str | None) -> bool:
        """``record``'s person left ``meeting_key`` (None: whatever meeting holds the row)."""
        now = self._clock()
        if not await self._store.claim_end(record.id, meeting_key, self._owner, now=now, lease=LEASE):
            return False
        fresh = await self._store.get(record.team_id, record.user_id)
        if fresh is not None:
            await self._end(fresh)
        return True

    async def meeting_ended(self, meeting_key: str) -> int:
        """Everyone whose status shows meeting ``meeting_key`` gets theirs back."""
        done = 0
        for record in await self._store.in_meeting(meeting_key):
            done += await self.left(record, meeting_key)
        return done

    async def housekeeping(self) -> int:
        """Put back what no event will: ends that failed, starts whose process died, expired statuses."""
        done = 0
        for record in await self._store.left_behind(now=self._clock()):
            done += await self.left(record, record.meeting_key)
        return done

    async def _end(self, record: StatusRecord) -> None:
        """Under the lease: the old status back if ours still shows, then the row is free again."""
        try:
            if record.status_set and record.user_token is not None:
                await self._put_back(record)
        except SlackUserApiError as error:
            await self._after_failure(record, error)
            return
        await self._store.restored(record.id, self._owner)
        log.info("status of %s/%s: the meeting is over", record.team_id, record.user_id)

    async def _put_back(self, record: StatusRecord) -> None:
        assert record.user_token is not None
        api = self._api_or_fail()
        now = self._clock()
        showing = await api.read_status(record.user_token)
        expired = record.status_until is not None and record.status_until <= now
        # Ours still up, or cleared by the expiry we set: theirs comes back. Anything else they chose.
        if not (_ours(showing) or (expired and showing == SavedStatus())):
            log.info("status of %s/%s changed meanwhile: left as it is", record.team_id, record.user_id)
            return
        saved = record.saved
        if saved.expiration and saved.expiration <= int(now.timestamp()):
            saved = SavedStatus()  # what they had would have expired by now
        await api.write_status(record.user_token, saved)

    async def _after_failure(self, record: StatusRecord, error: SlackUserApiError) -> None:
        if error.dead_token:
            log.info(
                "status sync of %s/%s dropped: Slack answered %s", record.team_id, record.user_id, error.error
            )
            await self._store.forget_by_id(record.id)
            return
        log.warning(
            "status of %s/%s not changed: Slack answered %s", record.team_id, record.user_id, error.error
        )
        await self._store.put_back_later(record.id, self._owner)

    def _api_or_fail(self) -> SlackUserApi:
        if self._api is None:
            raise SlackUserApiError("not_configured")
        return self._api

    async def _revoke_quietly(self, token: str) -> bool:
        try:
            await self._api_or_fail().revoke(token)
        except SlackUserApiError as error:
            log.info("Slack user token not revoked: %s", error.error)
            return False
        return True


def _ours(status: SavedStatus) -> bool:
    return status.text == STATUS_TEXT and status.emoji == STATUS_EMOJI
