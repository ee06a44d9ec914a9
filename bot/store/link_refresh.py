"""Refreshing a link across processes: the lease, and rotated pairs saved by compare-and-set.

Pairs the database refused are kept until it takes them.

The lease is a conditional UPDATE ("free or expired"); its row count says who won. Every token
write is a compare-and-set on ``version`` and bumps it, so a writer that read an older row (a
stale refresh, a stale ``invalid_grant``) changes nothing. ``save_rotation`` seals a rotated
pair (encrypted as it will be stored) and keeps it in memory *before* the write; if the
database fails, the sealed pair stays pending and ``retry_rotation`` writes it later.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, select, update

from bot.store.db import rowcount
from bot.store.link_rows import (
    ACCESS_TOKEN_PURPOSE,
    REFRESH_TOKEN_PURPOSE,
    LinkRecord,
    LinkRows,
    SaveOutcome,
    SealedRotation,
    join_scopes,
)
from bot.store.models import ZoomLink, utcnow
from bot.store.vault import link_owner


class LinkRefreshes(LinkRows):
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
        sealed = replace(
            self._seal(
                seen.id,
                seen.team_id,
                seen.user_id,
                expected_version=seen.version,
                lease_owner=lease_owner,
                access_token=access_token,
                refresh_token=refresh_token,
                access_expires_at=access_expires_at,
                scopes=scopes,
            ),
            access_token=access_token,
            replaces=seen.access_token,
            zoom_account_id=seen.zoom_account_id,
            zoom_user=seen.zoom_email or seen.zoom_user_id,
        )
        self._pending[seen.id] = sealed  # before the write: a failed write cannot lose it
        try:
            return await self._write_rotation(sealed)
        except Exception:  # whatever the driver raised, the pair must survive it
            key = (seen.team_id, seen.user_id)
            self._fresh.forget(key)
            self._fresh.put(
                key,
                seen.id,
                access_token,
                access_expires_at,
                generation=self._fresh.generation(key),
                replaces=seen.access_token,  # calls refused with the old token take this one
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
    ) -> SealedRotation:
        owner = link_owner(team_id, user_id)
        values: dict[str, Any] = {
            "access_token_enc": self._vault.encrypt(owner, ACCESS_TOKEN_PURPOSE, access_token),
            "refresh_token_enc": self._vault.encrypt(owner, REFRESH_TOKEN_PURPOSE, refresh_token),
            "access_expires_at": access_expires_at,
        }
        if scopes is not None:
            values["scopes"] = join_scopes(scopes)
        return SealedRotation(
            link_id, team_id, user_id, expected_version, lease_owner, access_expires_at, values
        )

    async def _write_rotation(self, sealed: SealedRotation) -> SaveOutcome:
        key = (sealed.team_id, sealed.user_id)
        self._fresh.forget(key)  # the old access token dies with the rotation
        generation = self._fresh.generation(key)
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
        if saved and sealed.access_token:
            # Calls refused with the old token take this one rather than read the row.
            self._fresh.settle(
                key,
                sealed.link_id,
                sealed.access_token,
                sealed.access_expires_at,
                generation=generation,
                replaces=sealed.replaces,
                zoom_account_id=sealed.zoom_account_id,
                zoom_user=sealed.zoom_user,
            )
        else:
            self._fresh.forget(key)
        return SaveOutcome.SAVED if saved else SaveOutcome.MOVED_ON

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
