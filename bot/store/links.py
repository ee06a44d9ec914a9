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
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import rowcount
from bot.store.link_refresh import LinkRefreshes
from bot.store.link_rows import (
    ACCESS_TOKEN_PURPOSE,
    DATABASE_FAILURES,
    REFRESH_TOKEN_PURPOSE,
    LinkConflictError,
    LinkRecord,
    SaveOutcome,
    join_scopes,
)
from bot.store.models import ZoomLink, utcnow
from bot.store.vault import link_owner

__all__ = ["DATABASE_FAILURES", "LinkConflictError", "LinkRecord", "LinkStore", "SaveOutcome"]

# A first-time insert can race with another one for the same Slack user; the loser
# retries as an update. Two rounds always settle it; a third is a safety margin.
_SAVE_ATTEMPTS = 3


class LinkStore(LinkRefreshes):
    """Every link operation; refreshing is in ``link_refresh.py``, the row mapping in ``link_rows.py``."""

    # -- fresh access tokens, remembered in this process (see fresh_tokens.py) --

    def cached_access_token(self, team_id: str, user_id: str, *, valid_after: datetime) -> str | None:
        return self._fresh.get((team_id, user_id), valid_after=valid_after)

    def cached_token_ran_out(self, team_id: str, user_id: str, *, valid_after: datetime) -> bool:
        return self._fresh.ran_out((team_id, user_id), valid_after=valid_after)

    def cached_zoom_account(self, team_id: str, user_id: str) -> str | None:
        return self._fresh.zoom_account((team_id, user_id))

    def cached_zoom_user(self, team_id: str, user_id: str) -> str | None:
        return self._fresh.zoom_user((team_id, user_id))

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
            key,
            record.id,
            record.access_token,
            record.access_expires_at,
            generation=generation,
            zoom_account_id=record.zoom_account_id,
            zoom_user=record.zoom_email or record.zoom_user_id,
        )

    def forget_cached(self, team_id: str, user_id: str) -> None:
        self._fresh.forget((team_id, user_id))

    def cached_successor(
        self, team_id: str, user_id: str, refused: str, *, valid_after: datetime
    ) -> str | None:
        """The token this process's refresh put in place of ``refused``, while it is fresh."""
        return self._fresh.successor((team_id, user_id), refused, valid_after=valid_after)

    def forget_refused(self, team_id: str, user_id: str, refused: str) -> None:
        """Zoom refused ``refused``: drop it if it is the remembered token (not its successor)."""
        self._fresh.drop_if((team_id, user_id), refused)

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
            "scopes": join_scopes(scopes),
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
