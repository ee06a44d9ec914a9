"""Every SQL statement about status sync: opt-ins, their sealed Slack user tokens, and the status shown.

One row per person. Who changes their Slack status is decided by a lease taken with a
conditional ``UPDATE`` (free or expired): of two processes handed the same Zoom event, or
two events meaning the same thing (``meeting.started`` and the host's own join), one wins
and the other changes nothing, on SQLite and PostgreSQL alike. An end that arrives while a
start still holds the lease marks the row ``ending``; the start's holder sees it when it
lets go, and the worker's housekeeping picks up whatever is left.

The user token is sealed by the vault, bound to ``status_owner(team, user)``; the OAuth
``state`` is kept only as its SHA-256 and is used up by a conditional ``UPDATE … RETURNING``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database, rowcount
from bot.store.models import StatusSync
from bot.store.oauth_states import hash_state
from bot.store.vault import TokenVault

USER_TOKEN_PURPOSE = "slack_user_token"


def status_owner(team_id: str, user_id: str) -> str:
    """The vault owner string of a person's Slack user token (kept stable: it is in every ciphertext)."""
    return f"status:{team_id}:{user_id}"


@dataclass(frozen=True)
class SavedStatus:
    """A Slack status as ``users.profile.get`` gives it."""

    text: str = ""
    emoji: str = ""
    expiration: int = 0


@dataclass(frozen=True)
class StatusRecord:
    id: int
    team_id: str
    user_id: str
    zoom_user_id: str
    zoom_email: str
    user_token: str | None = field(repr=False)  # None while the consent is pending
    scopes: str
    meeting_key: str | None
    status_set: bool
    status_until: datetime | None
    ending: bool
    saved: SavedStatus

    @property
    def on(self) -> bool:
        return self.user_token is not None


class StatusSyncStore:
    def __init__(self, db: Database, vault: TokenVault) -> None:
        self._db = db
        self._vault = vault

    # -- opting in and out -----------------------------------------------------------------

    async def pending(
        self, team_id: str, user_id: str, *, zoom_user_id: str, zoom_email: str, state: str, until: datetime
    ) -> None:
        """Remember a consent in progress (a second `on` replaces the first one's state)."""
        values: dict[str, Any] = {
            "zoom_user_id": zoom_user_id,
            "zoom_email": zoom_email,
            "state_hash": hash_state(state),
            "state_expires_at": until,
        }
        for _ in range(2):  # an insert racing another `on` of the same person retries as an update
            async with self._db.session() as session:
                changed = await session.execute(
                    update(StatusSync)
                    .where(StatusSync.slack_team_id == team_id, StatusSync.slack_user_id == user_id)
                    .values(**values)
                )
                if rowcount(changed):
                    return
            try:
                async with self._db.session() as session:
                    session.add(
                        StatusSync(
                            slack_team_id=team_id,
                            slack_user_id=user_id,
                            scopes="",
                            status_set=False,
                            ending=False,
                            **values,
                        )
                    )
                return
            except IntegrityError:
                continue
        raise RuntimeError("could not record the status consent")

    async def use_state(self, state: str, *, now: datetime) -> tuple[str, str] | None:
        """(team, user) whose consent ``state`` starts; None when unknown, used or expired.

        The state is used up either way."""
        state_hash = hash_state(state)
        async with self._db.session() as session:
            row = (
                await session.execute(
                    update(StatusSync)
                    .where(StatusSync.state_hash == state_hash, StatusSync.state_expires_at > now)
                    .values(state_hash=None, state_expires_at=None)
                    .returning(StatusSync.slack_team_id, StatusSync.slack_user_id)
                )
            ).first()
            if row is None:  # expired: used up all the same
                await session.execute(
                    update(StatusSync)
                    .where(StatusSync.state_hash == state_hash)
                    .values(state_hash=None, state_expires_at=None)
                )
                return None
        return row.slack_team_id, row.slack_user_id

    async def save_token(self, team_id: str, user_id: str, token: str, scopes: str) -> bool:
        sealed = self._vault.encrypt(status_owner(team_id, user_id), USER_TOKEN_PURPOSE, token)
        async with self._db.session() as session:
            changed = await session.execute(
                update(StatusSync)
                .where(StatusSync.slack_team_id == team_id, StatusSync.slack_user_id == user_id)
                .values(user_token_enc=sealed, scopes=scopes)
            )
        return rowcount(changed) == 1

    async def get(self, team_id: str, user_id: str) -> StatusRecord | None:
        async with self._db.session() as session:
            row = await session.scalar(
                select(StatusSync).where(
                    StatusSync.slack_team_id == team_id, StatusSync.slack_user_id == user_id
                )
            )
            return self._record(row) if row is not None else None

    async def delete(self, team_id: str, user_id: str) -> StatusRecord | None:
        """Forget the person's opt-in (``DELETE … RETURNING``: of two `off`s, one gets the row)."""
        async with self._db.session() as session:
            row = (
                await session.execute(
                    delete(StatusSync)
                    .where(StatusSync.slack_team_id == team_id, StatusSync.slack_user_id == user_id)
                    .returning(StatusSync)
                )
            ).scalar_one_or_none()
            return self._record(row) if row is not None else None

    async def forget_by_id(self, row_id: int) -> None:
        """Slack says the token is dead (revoked, app removed): the opt-in goes with it."""
        async with self._db.session() as session:
            await session.execute(delete(StatusSync).where(StatusSync.id == row_id))

    # -- finding who an event is about -----------------------------------------------------

    async def opted_in(self, *, zoom_user_id: str | None, email: str | None) -> list[StatusRecord]:
        """People with status sync on whose Zoom user is this id or e-mail (case-insensitive)."""
        matches = []
        if zoom_user_id:
            matches.append(StatusSync.zoom_user_id == zoom_user_id)
        if email:
            matches.append(func.lower(StatusSync.zoom_email) == email.strip().lower())
        if not matches:
            return []
        return await self._select(and_(StatusSync.user_token_enc.is_not(None), or_(*matches)))

    async def in_meeting(self, meeting_key: str) -> list[StatusRecord]:
        return await self._select(StatusSync.meeting_key == meeting_key)

    async def left_behind(self, *, now: datetime) -> list[StatusRecord]:
        """Statuses to put back that no event will: ends that could not be acted on, starts whose
        process died, and meetings whose end never came (their status has expired)."""
        return await self._select(
            and_(
                StatusSync.meeting_key.is_not(None),
                or_(StatusSync.lease_until.is_(None), StatusSync.lease_until < now),
                or_(
                    StatusSync.ending.is_(True),
                    StatusSync.status_set.is_(False),
                    StatusSync.status_until < now,
                ),
            )
        )

    # -- the lease -------------------------------------------------------------------------

    async def claim_start(
        self, row_id: int, meeting_key: str, owner: str, *, now: datetime, lease: timedelta
    ) -> bool:
        """Take the row for a meeting that started: only when no meeting holds it and the lease is free."""
        return await self._update(
            and_(
                StatusSync.id == row_id,
                StatusSync.user_token_enc.is_not(None),
                StatusSync.meeting_key.is_(None),
                or_(StatusSync.lease_until.is_(None), StatusSync.lease_until < now),
            ),
            meeting_key=meeting_key,
            status_set=False,
            ending=False,
            status_until=None,
            lease_owner=owner,
            lease_until=now + lease,
        )

    async def status_shown(self, row_id: int, owner: str, saved: SavedStatus, until: datetime) -> bool:
        """Our status is set: keep what it replaced. Then let go, unless an end came meanwhile
        (False: the caller still holds the lease and puts the old status back itself)."""
        await self._update(
            and_(StatusSync.id == row_id, StatusSync.lease_owner == owner),
            status_set=True,
            status_until=until,
            saved_text=saved.text,
            saved_emoji=saved.emoji,
            saved_expiration=saved.expiration,
        )
        return await self._update(
            and_(StatusSync.id == row_id, StatusSync.lease_owner == owner, StatusSync.ending.is_(False)),
            lease_owner=None,
            lease_until=None,
        )

    async def claim_end(
        self, row_id: int, meeting_key: str | None, owner: str, *, now: datetime, lease: timedelta
    ) -> bool:
        """Take the row to put the old status back (``meeting_key`` None: whichever meeting holds it).
        If a start still holds it, the row is marked ``ending`` for that holder to finish."""
        held = (
            StatusSync.meeting_key.is_not(None)
            if meeting_key is None
            else StatusSync.meeting_key == meeting_key
        )
        took = await self._update(
            and_(
                StatusSync.id == row_id,
                held,
                or_(StatusSync.lease_until.is_(None), StatusSync.lease_until < now),
            ),
            lease_owner=owner,
            lease_until=now + lease,
        )
        if not took:
            await self._update(and_(StatusSync.id == row_id, held), ending=True)
        return took

    async def restored(self, row_id: int, owner: str) -> None:
        """The meeting's status is over: the row is free for the next meeting."""
        await self._update(
            and_(StatusSync.id == row_id, StatusSync.lease_owner == owner),
            meeting_key=None,
            status_set=False,
            status_until=None,
            ending=False,
            saved_text=None,
            saved_emoji=None,
            saved_expiration=None,
            lease_owner=None,
            lease_until=None,
        )

    async def put_back_later(self, row_id: int, owner: str) -> None:
        """Slack did not answer: leave the end to the housekeeping."""
        await self._update(
            and_(StatusSync.id == row_id, StatusSync.lease_owner == owner),
            ending=True,
            lease_owner=None,
            lease_until=None,
        )

    # -- plumbing --------------------------------------------------------------------------

    async def _update(self, where: Any, **values: Any) -> bool:
        async with self._db.session() as session:
            changed = await session.execute(update(StatusSync).where(where).values(**values))
        return rowcount(changed) == 1

    async def _select(self, where: Any) -> list[StatusRecord]:
        async with self._db.session() as session:
            rows: Sequence[StatusSync] = (await session.scalars(select(StatusSync).where(where))).all()
            return [self._record(row) for row in rows]

    def _record(self, row: StatusSync) -> StatusRecord:
        token = (
            self._vault.decrypt(
                status_owner(row.slack_team_id, row.slack_user_id), USER_TOKEN_PURPOSE, row.user_token_enc
            )
            if row.user_token_enc
            else None
        )
        return StatusRecord(
            id=row.id,
            team_id=row.slack_team_id,
            user_id=row.slack_user_id,
            zoom_user_id=row.zoom_user_id,
            zoom_email=row.zoom_email,
            user_token=token,
            scopes=row.scopes,
            meeting_key=row.meeting_key,
            status_set=row.status_set,
            status_until=row.status_until,
            ending=row.ending,
            saved=SavedStatus(row.saved_text or "", row.saved_emoji or "", row.saved_expiration or 0),
        )
