"""OAuthStateStore on SQLite and PostgreSQL: single use, expiry, one winner among parallel callbacks."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.store.db import Database
from bot.store.models import OAuthState
from bot.store.oauth_states import ConsumedState, OAuthStateStore
from bot.store.vault import TokenVault, VaultError

NOW = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
VERIFIER = "verifier-canary-0b8e" + "x" * 40


@pytest.fixture
def states(db: Database, vault: TokenVault) -> OAuthStateStore:
    return OAuthStateStore(db, vault)


async def count_states(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(OAuthState)) or 0)


async def test_issue_then_consume_once(states: OAuthStateStore) -> None:
    state = await states.issue("T1", "U1", VERIFIER, now=NOW)
    assert await states.consume(state, now=NOW + timedelta(seconds=599)) == ConsumedState(
        "T1", "U1", VERIFIER
    )
    assert await states.consume(state, now=NOW + timedelta(seconds=600)) is None


async def test_state_is_random_and_only_its_hash_is_stored(states: OAuthStateStore, db: Database) -> None:
    issued = {await states.issue("T1", "U1", VERIFIER, now=NOW) for _ in range(5)}
    assert len(issued) == 5
    assert all(len(state) >= 22 for state in issued)  # >= 128 bits in URL-safe base64
    async with db.session() as session:
        rows = (
            await session.execute(text("SELECT state_hash, code_verifier_enc FROM zoom_oauth_states"))
        ).all()
    assert {row[0] for row in rows} == {hashlib.sha256(s.encode()).hexdigest() for s in issued}
    assert all(VERIFIER not in row[1] for row in rows)


async def test_expired_state_is_refused_and_removed(states: OAuthStateStore, db: Database) -> None:
    state = await states.issue("T1", "U1", VERIFIER, ttl=60, now=NOW)
    assert await states.consume(state, now=NOW + timedelta(seconds=60)) is None
    assert await count_states(db) == 0


async def test_unknown_state_is_refused(states: OAuthStateStore) -> None:
    assert await states.consume("never-issued") is None


async def test_issue_purges_abandoned_states(states: OAuthStateStore, db: Database) -> None:
    await states.issue("T1", "U1", VERIFIER, ttl=60, now=NOW)
    live = await states.issue("T1", "U2", VERIFIER, ttl=600, now=NOW)
    await states.issue("T1", "U3", VERIFIER, now=NOW + timedelta(seconds=61))
    assert await count_states(db) == 2
    consumed = await states.consume(live, now=NOW + timedelta(seconds=62))
    assert consumed is not None and consumed.user_id == "U2"


async def test_parallel_consumers_in_two_processes_exactly_one_wins(
    states: OAuthStateStore, db_url: str, vault: TokenVault
) -> None:
    other_process = Database.from_url(db_url)
    try:
        rival = OAuthStateStore(other_process, vault)
        for _ in range(10):
            state = await states.issue("T1", "U1", VERIFIER, now=NOW)
            results = await asyncio.gather(
                states.consume(state, now=NOW), rival.consume(state, now=NOW), states.consume(state, now=NOW)
            )
            assert [result is not None for result in results].count(True) == 1
    finally:
        await other_process.dispose()


async def test_state_rows_rebound_to_another_user_are_refused(states: OAuthStateStore, db: Database) -> None:
    state = await states.issue("T1", "U1", VERIFIER, now=NOW)
    # Someone with write access to the database re-points the pending consent at U2.
    async with db.session() as session:
        await session.execute(text("UPDATE zoom_oauth_states SET slack_user_id = 'U2'"))
    with pytest.raises(VaultError):
        await states.consume(state, now=NOW)


def test_consumed_state_repr_hides_verifier() -> None:
    assert VERIFIER not in repr(ConsumedState("T1", "U1", VERIFIER))
