"""Zoom links as records: their types, the row mapping, and what the repository keeps per process."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import DBAPIError

from bot.store.db import Database
from bot.store.fresh_tokens import FreshTokens
from bot.store.models import ZoomLink
from bot.store.vault import TokenVault, link_owner

ACCESS_TOKEN_PURPOSE = "zoom_access_token"
REFRESH_TOKEN_PURPOSE = "zoom_refresh_token"


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
class SealedRotation:
    """A rotated pair, encrypted as at rest, waiting to be written over ``expected_version``."""

    link_id: int
    team_id: str
    user_id: str
    expected_version: int
    lease_owner: str
    access_expires_at: datetime
    values: dict[str, Any] = field(repr=False)
    # For this process's cache once written (fresh_tokens.py): the new access token, the one
    # it replaces, and the link's Zoom account and user.
    access_token: str = field(default="", repr=False)
    replaces: str = field(default="", repr=False)
    zoom_account_id: str = ""
    zoom_user: str = ""


# What a database that is down, restarting or refusing connections raises (OSError covers
# a refused connect and TimeoutError).
DATABASE_FAILURES: tuple[type[Exception], ...] = (DBAPIError, OSError)


def join_scopes(scopes: Iterable[str]) -> str:
    return " ".join(scope for scope in scopes if scope)


def split_scopes(scopes: str) -> tuple[str, ...]:
    return tuple(scopes.split())


class LinkRows:
    """The link repository's state: the database, the vault, this process's fresh tokens and
    its rotated pairs not saved yet; and how a row becomes a record."""

    def __init__(self, db: Database, vault: TokenVault) -> None:
        self._db = db
        self._vault = vault
        # Every write below that changes a link's tokens or existence forgets its entry once
        # committed, which also refuses the puts of readers that read the row before it.
        self._fresh = FreshTokens()
        # Rotated pairs the database has not accepted yet, by link id (see the module docstring).
        self._pending: dict[int, SealedRotation] = {}

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
            scopes=split_scopes(row.scopes),
            access_token=self._vault.decrypt(owner, ACCESS_TOKEN_PURPOSE, row.access_token_enc),
            refresh_token=self._vault.decrypt(owner, REFRESH_TOKEN_PURPOSE, row.refresh_token_enc),
            access_expires_at=row.access_expires_at,
            status=row.status,
            version=row.version,
            api_url=row.api_url,
        )
