"""Re-encrypt stored secrets under the newest key (``zoombot db rotate-key``).

Procedure for operators: put the new key first in ``TOKEN_ENCRYPTION_KEY`` (keep the
old one after it), restart, run ``zoombot db rotate-key``, then remove the old key.

Each value is swapped with a compare-and-set on the old ciphertext, so a token refreshed
by a running bot in the meantime is left alone (it is already under the newest key).
The envelope inside each ciphertext (owner, purpose) is kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, select, update

from bot.store.db import Database, rowcount
from bot.store.models import SLACK_TOKEN_COLUMNS, OAuthState, ZoomLink
from bot.store.slack_installations import PLAINTEXT_PREFIX, seal_plaintext_tokens
from bot.store.vault import TokenVault

BATCH_SIZE = 500


@dataclass(frozen=True)
class EncryptedColumn:
    table: Table
    key: Column[Any]
    value: Column[str]
    # Values with this prefix are still plaintext (written before the column was sealed);
    # they are sealed separately, where their owner is known.
    plaintext_prefix: str | None = None


def _encrypted_columns() -> list[EncryptedColumn]:
    links = ZoomLink.__table__
    states = OAuthState.__table__
    assert isinstance(links, Table) and isinstance(states, Table)
    return [
        EncryptedColumn(links, links.c.id, links.c.access_token_enc),
        EncryptedColumn(links, links.c.id, links.c.refresh_token_enc),
        EncryptedColumn(states, states.c.state_hash, states.c.code_verifier_enc),
        *(
            EncryptedColumn(table, table.c.id, table.c[name], PLAINTEXT_PREFIX)
            for table, names in SLACK_TOKEN_COLUMNS.items()
            for name in names
        ),
    ]


async def rotate_keys(db: Database, vault: TokenVault) -> int:
    """Re-encrypt every stored secret not yet under the newest key, and seal the Slack
    tokens an earlier version stored in plaintext; returns how many values changed."""
    rotated = await seal_plaintext_tokens(db, vault)
    for column in _encrypted_columns():
        rotated += await _rotate_column(db, vault, column)
    return rotated


async def _rotate_column(db: Database, vault: TokenVault, column: EncryptedColumn) -> int:
    rotated = 0
    after: object | None = None
    while True:
        # Keyset pagination: stable even while rows are added or removed meanwhile.
        query = select(column.key, column.value).order_by(column.key).limit(BATCH_SIZE)
        if after is not None:
            query = query.where(column.key > after)
        async with db.session() as session:
            batch = (await session.execute(query)).all()
        if not batch:
            return rotated
        async with db.session() as session:
            for key, ciphertext in batch:
                if ciphertext is None or (
                    column.plaintext_prefix is not None and ciphertext.startswith(column.plaintext_prefix)
                ):
                    continue
                if not vault.needs_rotation(ciphertext):
                    continue
                unchanged: ColumnElement[bool] = (column.key == key) & (column.value == ciphertext)
                result = await session.execute(
                    update(column.table).where(unchanged).values({column.value: vault.rotate(ciphertext)})
                )
                rotated += rowcount(result)
        after = batch[-1][0]
