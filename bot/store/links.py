"""The token repository: every SQL statement about Zoom links lives here.

Cross-process safety without ``SELECT … FOR UPDATE`` (a no-op on SQLite):

- the refresh lease is a conditional UPDATE ("free or expired"); its row count says
  who won;
- every token write is a compare-and-set on ``version`` and bumps it, so a writer that
  read an older row (a stale refresh, a stale ``invalid_grant``) changes nothing;
- a Zoom account can be linked to one Slack user only, enforced by a unique constraint.

Rotated tokens are never dropped on a database error. ``save_rotation`` seals the pair
(encrypts it exactly as it will be stored) and keeps it in this process's memory *before*
the write; if the write fails on the database, the sealed pair stays (``PENDING``), reads of
the link see it in place of the stored, now dead, pair, and ``retry_rotation`` writes it
later. Zoom has already killed the old refresh token, so the sealed pair is the only
working one there is.

Tokens are encrypted with the vault, bound to ``link_owner(team, user)``; a record read
back is decrypted, and a row whose ciphertexts do not belong to it raises ``VaultError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Database, rowcount
from bot.store.fresh_tokens import FreshTokens
from bot.store.models import ZoomLink, utcnow
from bot.store.vault import TokenVault, link_owner

ACCESS_TOKEN_PURPOSE = "zoom_access_token"
REFRESH_TOKEN_PURPOSE = "zoom_refresh_token"

# A first-time insert can race with another one for the same Slack user; the loser
# retries as an update. Two rounds always settle it; a third is a safety margin.
_SAVE_ATTEMPTS = 3


class LinkConflictError(Exception):
    """The Zoom user is already linked to another Slack user."""


@dataclass(frozen=True)
class LinkRecord:
    id: int
    team_id: str
    user_id: str
    zoom_user_id: str
    zoom_email: str
    zoom_account_id: str
    scopes: tuple[str, ...]
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    status: str
    version: int
    api_url: str | None


class SaveOutcome(StrEnum):
    SAVED = "saved"
    MOVED_ON = "moved_on"  # the row changed (or went) since it was read: nothing written
    PENDING = "pending"  # the database failed: kept sealed in memory, see retry_rotation


@dataclass(frozen=True)
class _SealedRotation:
    """A rotated pair, encrypted as at rest, waiting to be written over ``expected_version``."""

    link_id: int
    team_id: str
    user_id: str
    expected_version: int
    lease_owner: str
    access_expires_at: datetime
    values: dict[str, Any] = field(repr=False)


# What a database that is down, restarting or refusing connections raises (OSError covers
# a refused connect and TimeoutError).
DATABASE_FAILURES: tuple[type[Exception], ...] = (DBAPIError, OSError)


def _join_scopes(scopes: Iterable[str]) -> str:
    return " ".join(scope for scope in scopes if scope)


def _split_scopes(scopes: str) -> tuple[str, ...]:
    return tuple(scopes.split())


class LinkStore:
    def __init__(self, db: Database, vault: TokenVault) -> None:
        self._db = db
        self._vault = vault
        # Every write below that changes a link's tokens or existence forgets its entry once
        # committed, which also refuses the puts of readers that read the row before it.
        self._fresh = FreshTokens()
        # Rotated pairs the database has not accepted yet, by link id (see the module docstring).
        self._pending: dict[int, _SealedRotation] = {}

    # -- fresh access tokens, remembered in this process (see fresh_tokens.py) --

    def cached_access_token(self, team_id: str, user_id: str, *, valid_after: datetime) -> str | None:
        return self._fresh.get((team_id, user_id), valid_after=valid_after)

    def cache_generation(self, team_id: str, user_id: str) -> int:
        """Take this BEFORE reading the link row whose token you may :meth:`remember_fresh`."""
        return self._fresh.generation((team_id, user_id))

    def remember_fresh(self, record: LinkRecord, *, generation: int) -> bool:
        """Remember ``record``'s token unless the link was written since ``generation``.

        False means it was (unlinked, deauthorized, refreshed, relinked): ``record`` may
        describe a link that no longer exists, so the caller must read the row again.
        """
        if record.status != "active":
            return False
        key = (record.team_id, record.user_id)
        return self._fresh.put(
            key, record.id, record.access_token, record.access_expires_at, generation=generation
        )

    def forget_cached(self, team_id: str, user_id: str) -> None:
        self._fresh.forget((team_id, user_id))

    # -- reading ---------------------------------------------------------------

    async def get(self, team_id: str, user_id: str) -> LinkRecord | None:
        async with self._db.session() as session:
            row = await session.scalar(
                select(ZoomLink).where(ZoomLink.slack_team_id == team_id, ZoomLink.slack_user_id == user_id)
            )
        return self._with_pending(self._record(row)) if row else None

    async def get_by_id(self, link_id: int) -> LinkRecord | None:
        async with self._db.session() as session:
            row = await session.get(ZoomLink, link_id)
        return self._with_pending(self._record(row)) if row else None

    async def idle_links(self, *, tokens_issued_before: datetime, limit: int) -> list[tuple[str, str]]:
        """Active links (team, user) whose tokens were last issued before the given time, oldest first.

        An access token lives an hour from its issue, and both tokens are written together,
        so ``access_expires_at`` dates the refresh token too (no column of its own needed).
        """
        cutoff = tokens_issued_before + timedelta(hours=1)
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(ZoomLink.slack_team_id, ZoomLink.slack_user_id)
                    .where(ZoomLink.status == "active", ZoomLink.access_expires_at < cutoff)
                    .order_by(ZoomLink.access_expires_at, ZoomLink.id)
                    .limit(limit)
                )
            ).all()
        return [(row.slack_team_id, row.slack_user_id) for row in rows]

    async def find_by_zoom_user(self, zoom_user_id: str) -> list[LinkRecord]:
        async with self._db.session() as session:
            rows = (
                await session.scalars(select(ZoomLink).where(ZoomLink.zoom_user_id == zoom_user_id))
            ).all()
        return [self._record(row) for row in rows]

    # -- linking ---------------------------------------------------------------

    async def save_new_link(
        self,
        team_id: str,
        user_id: str,
        *,
        zoom_user_id: str,
        zoom_email: str,
        zoom_account_id: str,
        scopes: Iterable[str],
        access_token: str,
        refresh_token: str,
        access_expires_at: datetime,
        api_url: str | None = None,
    ) -> LinkRecord:
        """Store a freshly consented link, replacing this Slack user's previous one.

        The row is updated in place with ``version`` bumped, so any refresh still in
        flight for the old tokens loses its compare-and-set. Raises ``LinkConflictError``
        when ``zoom_user_id`` is linked to another Slack user (decided by the unique
        constraint, so two simultaneous links cannot both succeed).
        """
        self._fresh.forget((team_id, user_id))
        owner = link_owner(team_id, user_id)
        values: dict[str, Any] = {
            "zoom_user_id": zoom_user_id,
            "zoom_email": zoom_email,
            "zoom_account_id": zoom_account_id,
            "scopes": _join_scopes(scopes),
            "access_token_enc": self._vault.encrypt(owner, ACCESS_TOKEN_PURPOSE, access_token),
            "refresh_token_enc": self._vault.encrypt(owner, REFRESH_TOKEN_PURPOSE, refresh_token),
            "access_expires_at": access_expires_at,
            "status": "active",
            "refresh_lease_owner": None,
            "refresh_lease_until": None,
            "api_url": api_url,
        }
        for _ in range(_SAVE_ATTEMPTS):
            try:
                async with self._db.session() as session:
                    row = await self._replace_or_insert(session, team_id, user_id, values)
                    saved = self._record(row)
                self._fresh.forget((team_id, user_id))  # committed: no older read may be cached now
                return saved
            except IntegrityError:
                # Either the Zoom user belongs to someone else (conflict), or another
                # request inserted this Slack user's row first (retry as an update).
                if await self._zoom_user_taken_by_other(zoom_user_id, team_id, user_id):
                    raise LinkConflictError(
                        "this Zoom account is already linked to another Slack user"
                    ) from None
        raise RuntimeError("could not save the Zoom link: concurrent writers kept colliding")

    async def _replace_or_insert(
        self, session: AsyncSession, team_id: str, user_id: str, values: dict[str, Any]
    ) -> ZoomLink:
        existing = ZoomLink.slack_team_id == team_id, ZoomLink.slack_user_id == user_id
        result = await session.execute(
            update(ZoomLink)
            .where(*existing)
            .values(**values, version=ZoomLink.version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) == 0:
            session.add(ZoomLink(slack_team_id=team_id, slack_user_id=user_id, version=0, **values))
        await session.flush()
        row = await session.scalar(
            select(ZoomLink).where(*existing).execution_options(populate_existing=True)
        )
        assert row is not None
        return row

    async def _zoom_user_taken_by_other(self, zoom_user_id: str, team_id: str, user_id: str) -> bool:
        async with self._db.session() as session:
            holder = await session.scalar(
                select(ZoomLink.id).where(
                    ZoomLink.zoom_user_id == zoom_user_id,
                    or_(ZoomLink.slack_team_id != team_id, ZoomLink.slack_user_id != user_id),
                )
            )
        return holder is not None

    # -- refreshing ------------------------------------------------------------

    async def try_acquire_refresh_lease(
        self, link_id: int, owner: str, ttl_seconds: float, now: datetime
    ) -> bool:
        """Take the refresh lease if it is free or expired. Not re-entrant: a second
        acquire by the same owner while the lease is live fails too."""
        async with self._db.session() as session:
            result = await session.execute(
                update(ZoomLink)
                .where(
                    ZoomLink.id == link_id,
                    or_(
                        ZoomLink.refresh_lease_until.is_(None),
                        ZoomLink.refresh_lease_until <= now,
                    ),
                )
                .values(refresh_lease_owner=owner, refresh_lease_until=now + timedelta(seconds=ttl_seconds))
                .execution_options(synchronize_session=False)
            )
            return rowcount(result) == 1

    async def renew_refresh_lease(self, link_id: int, owner: str, ttl_seconds: float, now: datetime) -> bool:
        """Extend ``owner``'s lease to ``now + ttl``: the heartbeat that says its holder is alive.

        False if the lease is no longer ``owner``'s (it lapsed and was taken, or was released).
        """
        async with self._db.session() as session:
            result = await session.execute(
                update(ZoomLink)
                .where(ZoomLink.id == link_id, ZoomLink.refresh_lease_owner == owner)
                .values(refresh_lease_until=now + timedelta(seconds=ttl_seconds))
                .execution_options(synchronize_session=False)
            )
            return rowcount(result) == 1

    async def save_rotation(
        self,
        seen: LinkRecord,
        *,
        lease_owner: str,
        access_token: str,
        refresh_token: str,
        access_expires_at: datetime,
        scopes: tuple[str, ...] | None,
    ) -> SaveOutcome:
        """Store the pair Zoom just rotated to, over the row version ``seen`` was read at.

        Called the moment Zoom answers: one UPDATE, nothing read first. On a database error
        the pair is kept sealed in memory (``PENDING``), this process serves its access token
        from memory, and :meth:`retry_rotation` writes it once the database answers. Like
        :meth:`save_refreshed`, not conditional on the lease.
        """
        sealed = self._seal(
            seen.id,
            seen.team_id,
            seen.user_id,
            expected_version=seen.version,
            lease_owner=lease_owner,
            access_token=access_token,
            refresh_token=refresh_token,
            access_expires_at=access_expires_at,
            scopes=scopes,
        )
        self._pending[seen.id] = sealed  # before the write: a failed write cannot lose it
        try:
            return await self._write_rotation(sealed)
        except Exception:  # whatever the driver raised, the pair must survive it
            key = (seen.team_id, seen.user_id)
            self._fresh.forget(key)
            self._fresh.put(
                key, seen.id, access_token, access_expires_at, generation=self._fresh.generation(key)
            )
            return SaveOutcome.PENDING

    def has_pending_rotation(self, link_id: int) -> bool:
        return link_id in self._pending

    async def retry_rotation(self, link_id: int) -> SaveOutcome | None:
        """Write the pending pair of ``link_id`` again; None when nothing is pending.

        Raises the database's error if it still fails (the pair stays pending).
        """
        sealed = self._pending.get(link_id)
        if sealed is None:
            return None
        return await self._write_rotation(sealed)

    def _seal(
        self,
        link_id: int,
        team_id: str,
        user_id: str,
        *,
        expected_version: int,
        lease_owner: str,
        access_token: str,
        refresh_token: str,
        access_expires_at: datetime,
        scopes: tuple[str, ...] | None,
    ) -> _SealedRotation:
        owner = link_owner(team_id, user_id)
        values: dict[str, Any] = {
            "access_token_enc": self._vault.encrypt(owner, ACCESS_TOKEN_PURPOSE, access_token),
            "refresh_token_enc": self._vault.encrypt(owner, REFRESH_TOKEN_PURPOSE, refresh_token),
            "access_expires_at": access_expires_at,
        }
        if scopes is not None:
            values["scopes"] = _join_scopes(scopes)
        return _SealedRotation(
            link_id, team_id, user_id, expected_version, lease_owner, access_expires_at, values
        )

    async def _write_rotation(self, sealed: _SealedRotation) -> SaveOutcome:
        self._fresh.forget((sealed.team_id, sealed.user_id))  # the old access token dies with the rotation
        async with self._db.session() as session:
            result = await session.execute(
                update(ZoomLink)
                .where(ZoomLink.id == sealed.link_id, ZoomLink.version == sealed.expected_version)
                .values(
                    **sealed.values,
                    status="active",
                    version=ZoomLink.version + 1,
                    updated_at=utcnow(),
                    **self._release_if_owned(sealed.lease_owner),
                )
                .execution_options(synchronize_session=False)
            )
            saved = rowcount(result) == 1
        if self._pending.get(sealed.link_id) is sealed:
            del self._pending[sealed.link_id]
        self._fresh.forget((sealed.team_id, sealed.user_id))
        return SaveOutcome.SAVED if saved else SaveOutcome.MOVED_ON

    def _with_pending(self, record: LinkRecord) -> LinkRecord:
        """``record`` with this process's unsaved rotated pair in place of the stored (dead) one."""
        sealed = self._pending.get(record.id)
        if sealed is None or sealed.expected_version != record.version:
            return record  # none, or the row moved on (relinked): the stored pair is newer
        owner = link_owner(record.team_id, record.user_id)
        return replace(
            record,
            access_token=self._vault.decrypt(owner, ACCESS_TOKEN_PURPOSE, sealed.values["access_token_enc"]),
            refresh_token=self._vault.decrypt(
                owner, REFRESH_TOKEN_PURPOSE, sealed.values["refresh_token_enc"]
            ),
            access_expires_at=sealed.access_expires_at,
            status="active",
        )

    async def save_refreshed(
        self,
        link_id: int,
        *,
        expected_version: int,
        lease_owner: str,
        access_token: str,
        refresh_token: str,
        access_expires_at: datetime,
        scopes: tuple[str, ...] | None,
    ) -> bool:
        """Store rotated tokens if nobody changed the row since ``expected_version`` was read.

        Deliberately NOT conditional on still holding the lease: Zoom has already
        rotated the refresh token, so the new one is the only valid one and must be
        kept even if our lease ran out. The lease is cleared only if it is still ours.
        Returns False when the row moved on (or is gone); nothing is written then.
        """
        async with self._db.session() as session:
            identity = (
                await session.execute(
                    select(ZoomLink.slack_team_id, ZoomLink.slack_user_id).where(ZoomLink.id == link_id)
                )
            ).first()
        if identity is None:
            return False
        sealed = self._seal(
            link_id,
            identity.slack_team_id,
            identity.slack_user_id,
            expected_version=expected_version,
            lease_owner=lease_owner,
            access_token=access_token,
            refresh_token=refresh_token,
            access_expires_at=access_expires_at,
            scopes=scopes,
        )
        return await self._write_rotation(sealed) is SaveOutcome.SAVED

    async def release_lease(self, link_id: int, owner: str) -> None:
        """Give the lease back, if (and only if) ``owner`` still holds it."""
        async with self._db.session() as session:
            await session.execute(
                update(ZoomLink)
                .where(ZoomLink.id == link_id, ZoomLink.refresh_lease_owner == owner)
                .values(refresh_lease_owner=None, refresh_lease_until=None)
                .execution_options(synchronize_session=False)
            )

    async def mark_needs_reauth(self, link_id: int, *, expected_version: int) -> bool:
        """Flag the link as needing a new consent, unless its tokens changed since
        ``expected_version`` (a stale failure must never clobber a newer token)."""
        async with self._db.session() as session:
            marked = (
                await session.execute(
                    update(ZoomLink)
                    .where(ZoomLink.id == link_id, ZoomLink.version == expected_version)
                    .values(status="needs_reauth", updated_at=utcnow())
                    .returning(ZoomLink.slack_team_id, ZoomLink.slack_user_id)
                    .execution_options(synchronize_session=False)
                )
            ).first()
        if marked is None:
            return False
        self._fresh.forget((marked.slack_team_id, marked.slack_user_id))
        return True

    @staticmethod
    def _release_if_owned(owner: str) -> dict[str, Any]:
        still_ours = ZoomLink.refresh_lease_owner == owner
        return {
            "refresh_lease_owner": case((still_ours, None), else_=ZoomLink.refresh_lease_owner),
            "refresh_lease_until": case((still_ours, None), else_=ZoomLink.refresh_lease_until),
        }

    # -- unlinking -------------------------------------------------------------

    async def delete(self, team_id: str, user_id: str) -> LinkRecord | None:
        """Remove a Slack user's link; returns what was removed (to revoke it at Zoom)."""
        deleted = await self._delete_where(
            and_(ZoomLink.slack_team_id == team_id, ZoomLink.slack_user_id == user_id)
        )
        return deleted[0] if deleted else None

    async def delete_by_zoom_user(self, zoom_user_id: str) -> list[LinkRecord]:
        """Remove every link of a Zoom user (deauthorization); returns what was removed."""
        return await self._delete_where(ZoomLink.zoom_user_id == zoom_user_id)

    async def _delete_where(self, condition: Any) -> list[LinkRecord]:
        # DELETE … RETURNING: the rows reported are exactly the rows this call removed,
        # even when another process deletes at the same moment. Decrypting happens after
        # the commit, so a row with unreadable ciphertexts is still removed (the
        # VaultError then reaches the caller, who cannot revoke those tokens at Zoom).
        async with self._db.session() as session:
            rows: Sequence[ZoomLink] = (
                await session.scalars(
                    delete(ZoomLink)
                    .where(condition)
                    .returning(ZoomLink)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        # After the commit: a command that read one of these rows before it may not put
        # its token back in the cache now (its generation has moved).
        for row in rows:
            self._fresh.forget((row.slack_team_id, row.slack_user_id))
        return [self._record(row) for row in rows]

    # -- mapping ---------------------------------------------------------------

    def _record(self, row: ZoomLink) -> LinkRecord:
        owner = link_owner(row.slack_team_id, row.slack_user_id)
        return LinkRecord(
            id=row.id,
            team_id=row.slack_team_id,
            user_id=row.slack_user_id,
            zoom_user_id=row.zoom_user_id,
            zoom_email=row.zoom_email,
            zoom_account_id=row.zoom_account_id,
            scopes=_split_scopes(row.scopes),
            access_token=self._vault.decrypt(owner, ACCESS_TOKEN_PURPOSE, row.access_token_enc),
            refresh_token=self._vault.decrypt(owner, REFRESH_TOKEN_PURPOSE, row.refresh_token_enc),
            access_expires_at=row.access_expires_at,
            status=row.status,
            version=row.version,
            api_url=row.api_url,
        )
