"""Secrets at rest (R6): encrypted, bound to their owner, rotatable — checked against the raw database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store.db import Database
from bot.store.links import LinkStore
from bot.store.models import Base
from bot.store.oauth_states import OAuthStateStore
from bot.store.rotate import rotate_keys
from bot.store.vault import TokenVault, VaultError, generate_key

NOW = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
CANARY = "CANARY7c1e"


async def save_link(links: LinkStore, user: str, zoom_user: str) -> None:
    await links.save_new_link(
        "T1",
        user,
        zoom_user_id=zoom_user,
        zoom_email=f"{user}@example.com",
        zoom_account_id="acc",
        scopes=("meeting:write",),
        access_token=f"{CANARY}-access-{user}",
        refresh_token=f"{CANARY}-refresh-{user}",
        access_expires_at=NOW + timedelta(hours=1),
    )


async def test_swapped_ciphertexts_fail_loudly(db: Database, vault: TokenVault) -> None:
    links = LinkStore(db, vault)
    await save_link(links, "U1", "zu1")
    await save_link(links, "U2", "zu2")
    # An attacker with SQL access gives U2 the tokens of U1.
    async with db.session() as session:
        await session.execute(
            text(
                "UPDATE zoom_links SET access_token_enc = "
                "(SELECT access_token_enc FROM zoom_links WHERE slack_user_id = 'U1') "
                "WHERE slack_user_id = 'U2'"
            )
        )
    with pytest.raises(VaultError, match="different owner") as raised:
        await links.get("T1", "U2")
    assert CANARY not in str(raised.value)
    still_fine = await links.get("T1", "U1")
    assert still_fine is not None and still_fine.access_token == f"{CANARY}-access-U1"


async def test_swapping_access_and_refresh_columns_fails(db: Database, vault: TokenVault) -> None:
    links = LinkStore(db, vault)
    await save_link(links, "U1", "zu1")
    async with db.session() as session:
        await session.execute(
            text(
                "UPDATE zoom_links "
                "SET access_token_enc = refresh_token_enc, refresh_token_enc = access_token_enc"
            )
        )
    with pytest.raises(VaultError):
        await links.get("T1", "U1")


async def test_key_rotation_then_dropping_the_old_key(db: Database) -> None:
    old_key, new_key = generate_key(), generate_key()
    old_vault = TokenVault([old_key])
    for user in ("U1", "U2", "U3"):
        await save_link(LinkStore(db, old_vault), user, f"z{user}")
    state = await OAuthStateStore(db, old_vault).issue("T1", "U1", f"{CANARY}-verifier", now=NOW)

    both = TokenVault([new_key, old_key])
    # Before rotation the new key alone cannot read anything.
    with pytest.raises(VaultError):
        await LinkStore(db, TokenVault([new_key])).get("T1", "U1")

    assert await rotate_keys(db, both) == 3 * 2 + 1
    assert await rotate_keys(db, both) == 0  # idempotent: everything is under the newest key

    new_only = TokenVault([new_key])
    links = LinkStore(db, new_only)
    for user in ("U1", "U2", "U3"):
        record = await links.get("T1", user)
        assert record is not None
        assert (record.access_token, record.refresh_token) == (
            f"{CANARY}-access-{user}",
            f"{CANARY}-refresh-{user}",
        )
    consumed = await OAuthStateStore(db, new_only).consume(state, now=NOW)
    assert consumed is not None and consumed.code_verifier == f"{CANARY}-verifier"


async def test_rotation_leaves_alone_a_token_refreshed_meanwhile(db: Database) -> None:
    old_key, new_key = generate_key(), generate_key()
    await save_link(LinkStore(db, TokenVault([old_key])), "U1", "zu1")
    both = TokenVault([new_key, old_key])
    links = LinkStore(db, both)
    record = await links.get("T1", "U1")
    assert record is not None
    # A running bot refreshes (writing under the newest key) before rotation reaches the row.
    assert await links.save_refreshed(
        record.id,
        expected_version=record.version,
        lease_owner="p1",
        access_token="fresh-access",
        refresh_token="fresh-refresh",
        access_expires_at=NOW + timedelta(hours=1),
        scopes=None,
    )
    assert await rotate_keys(db, both) == 0
    fresh = await LinkStore(db, TokenVault([new_key])).get("T1", "U1")
    assert fresh is not None and fresh.refresh_token == "fresh-refresh"


async def dump_every_table(db: Database) -> str:
    """Every row of every table (ours, slack_sdk's and Alembic's) as text."""
    parts: list[str] = []
    async with db.session() as session:
        for table in [*Base.metadata.sorted_tables, "alembic_version"]:
            name = getattr(table, "name", table)
            rows = (await session.execute(text(f'SELECT * FROM "{name}"'))).all()
            parts.extend(repr(tuple(row)) for row in rows)
    return "\n".join(parts)


def sqlite_files(url: str) -> list[Path]:
    database = make_url(url).database
    assert database
    main = Path(database)
    return [path for path in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if path.exists()]


async def test_canary_never_appears_in_the_database(db: Database, db_url: str, vault: TokenVault) -> None:
    links = LinkStore(db, vault)
    await save_link(links, "U1", "zu1")
    record = await links.get("T1", "U1")
    assert record is not None
    assert await links.save_refreshed(
        record.id,
        expected_version=record.version,
        lease_owner="p1",
        access_token=f"{CANARY}-access-2",
        refresh_token=f"{CANARY}-refresh-2",
        access_expires_at=NOW + timedelta(hours=1),
        scopes=None,
    )
    await OAuthStateStore(db, vault).issue("T1", "U1", f"{CANARY}-verifier", now=NOW)

    dump = await dump_every_table(db)
    assert "zu1" in dump  # the dump really contains the link row
    assert CANARY not in dump

    if db.dialect_name == "sqlite":
        # The raw bytes, including the write-ahead log where fresh writes live first.
        files = sqlite_files(db_url)
        raw = b"".join(path.read_bytes() for path in files)
        assert b"zu1" in raw
        assert CANARY.encode() not in raw
