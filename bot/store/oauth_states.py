"""Pending Zoom OAuth consents: single-use, expiring ``state`` values bound to a Slack user.

Only SHA-256 of the state is stored (a database reader cannot complete someone's
consent), and the PKCE code verifier is encrypted, bound to the state and the Slack
user. ``consume`` deletes the row with ``DELETE … RETURNING``: of two callbacks
carrying the same state, exactly one gets it back, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.store.db import Database
from bot.store.models import OAuthState, utcnow
from bot.store.vault import TokenVault

CODE_VERIFIER_PURPOSE = "pkce_code_verifier"
DEFAULT_TTL_SECONDS = 600
STATE_BYTES = 32  # 256 bits of randomness; OAuth guidance asks for at least 128


@dataclass(frozen=True)
class ConsumedState:
    team_id: str
    user_id: str
    code_verifier: str = field(repr=False)


def hash_state(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def _verifier_owner(state_hash: str, team_id: str, user_id: str) -> str:
    return f"oauth_state:{state_hash}:{team_id}:{user_id}"


class OAuthStateStore:
    def __init__(self, db: Database, vault: TokenVault) -> None:
        self._db = db
        self._vault = vault

    async def issue(
        self,
        team_id: str,
        user_id: str,
        code_verifier: str,
        ttl: float = DEFAULT_TTL_SECONDS,
        now: datetime | None = None,
    ) -> str:
        """Store a new pending consent and return its ``state`` (to put in the authorize URL)."""
        now = now or utcnow()
        state = secrets.token_urlsafe(STATE_BYTES)
        state_hash = hash_state(state)
        async with self._db.session() as session:
            # Housekeeping: abandoned consents would otherwise pile up forever.
            await session.execute(
                delete(OAuthState)
                .where(OAuthState.expires_at <= now)
                .execution_options(synchronize_session=False)
            )
            session.add(
                OAuthState(
                    state_hash=state_hash,
                    slack_team_id=team_id,
                    slack_user_id=user_id,
                    code_verifier_enc=self._vault.encrypt(
                        _verifier_owner(state_hash, team_id, user_id), CODE_VERIFIER_PURPOSE, code_verifier
                    ),
                    expires_at=now + timedelta(seconds=ttl),
                    created_at=now,
                )
            )
        return state

    async def consume(self, state: str, now: datetime | None = None) -> ConsumedState | None:
        """Use up ``state``. None when unknown, already used, or expired (it is deleted either way)."""
        now = now or utcnow()
        state_hash = hash_state(state)
        async with self._db.session() as session:
            row = (
                await session.execute(
                    delete(OAuthState)
                    .where(OAuthState.state_hash == state_hash)
                    .returning(
                        OAuthState.slack_team_id,
                        OAuthState.slack_user_id,
                        OAuthState.code_verifier_enc,
                        OAuthState.expires_at,
                    )
                )
            ).first()
        if row is None or row.expires_at <= now:
            return None
        code_verifier = self._vault.decrypt(
            _verifier_owner(state_hash, row.slack_team_id, row.slack_user_id),
            CODE_VERIFIER_PURPOSE,
            row.code_verifier_enc,
        )
        return ConsumedState(
            team_id=row.slack_team_id, user_id=row.slack_user_id, code_verifier=code_verifier
        )
