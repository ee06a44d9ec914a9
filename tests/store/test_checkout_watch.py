"""The pool's checkout watch: a task that takes a second connection while it holds one is
logged with where it happened; units of work one after another, or side by side in their own
tasks, are not."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import text

from bot.store.checkout_watch import NESTED_CHECKOUT
from bot.store.db import Database


async def one_unit_of_work(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(text("SELECT 1")) or 0)


@pytest.mark.nested_checkout
async def test_a_unit_of_work_inside_another_is_logged_with_its_stack(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.store.checkout_watch")
    async with db.session() as outer:
        await outer.execute(text("SELECT 1"))
        assert await one_unit_of_work(db) == 1  # a second connection while `outer` holds one

    nested = [r for r in caplog.records if getattr(r, NESTED_CHECKOUT, False)]
    assert len(nested) == 1 and db.checkouts.nested == 1
    assert nested[0].levelno == logging.ERROR
    assert "in one_unit_of_work" in nested[0].getMessage()  # says where the second one was taken
    assert db.checkouts.held_by(asyncio.current_task()) == 0  # both went back  # type: ignore[arg-type]


async def test_units_of_work_in_turn_or_in_their_own_tasks_are_not(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.store.checkout_watch")
    for _ in range(3):
        assert await one_unit_of_work(db) == 1
    async with db.session() as outer:
        await outer.execute(text("SELECT 1"))
        # Another task's unit of work waits for a connection of its own: not a nesting.
        assert await asyncio.gather(*(asyncio.create_task(one_unit_of_work(db)) for _ in range(3))) == [1] * 3

    assert db.checkouts.nested == 0
    assert not [r for r in caplog.records if getattr(r, NESTED_CHECKOUT, False)]


async def test_a_connection_lost_in_use_is_no_longer_counted(db: Database) -> None:
    """An invalidated connection goes back (or is detached) without a normal check-in."""
    task = asyncio.current_task()
    assert task is not None
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        assert db.checkouts.held_by(task) == 1
        await connection.invalidate()
    assert db.checkouts.held_by(task) == 0
    assert await one_unit_of_work(db) == 1
    assert db.checkouts.nested == 0
