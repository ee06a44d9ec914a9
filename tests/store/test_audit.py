"""AuditStore and AuditTrail: one row per action, a workspace's newest first, results checked."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.services.audit import AuditTrail, SlackWho
from bot.services.refusals import Refusal, RefusalKind
from bot.store.audit import AuditRecord, AuditStore
from bot.store.db import Database
from bot.zoom.errors import ZoomError, ZoomErrorKind

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def record(minutes: int, *, team: str = "T1", action: str = "user_create", result: str = "ok") -> AuditRecord:
    return AuditRecord(
        at=T0 + timedelta(minutes=minutes),
        team_id=team,
        user_id="U1",
        action=action,
        target=f"user{minutes}@example.com",
        result=result,  # type: ignore[arg-type]
        detail="basic",
    )


async def test_recent_is_the_workspaces_newest_first_and_bounded(db: Database) -> None:
    store = AuditStore(db)
    for minutes in (5, 1, 3):
        await store.add(record(minutes))
    await store.add(record(9, team="T2"))
    found = await store.recent("T1", 2)
    assert [r.target for r in found] == ["user5@example.com", "user3@example.com"]
    assert found[0] == record(5)  # every field back as stored, the time still UTC-aware
    assert [r.team_id for r in await store.recent("T2", 100)] == ["T2"]
    assert await store.recent("T3", 20) == []


async def test_a_result_outside_ok_refused_failed_is_refused_by_the_database(db: Database) -> None:
    with pytest.raises(IntegrityError):
        await AuditStore(db).add(record(1, result="maybe"))


async def test_overlong_text_is_cut_to_the_columns(db: Database) -> None:
    store = AuditStore(db)
    long = AuditRecord(T0, "T1", "U1", "recording_trash", "x" * 1000, "refused", "d" * 500, "r" * 200)
    await store.add(long)
    (back,) = await store.recent("T1", 1)
    assert len(back.target) == 300 and len(back.detail or "") == 300 and len(back.reason or "") == 64


async def test_attempt_records_ok_refusals_and_zoom_failures_and_logs_one_line(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    trail = AuditTrail(AuditStore(db), clock=lambda: T0)
    who = SlackWho("T1", "U1")
    caplog.set_level(logging.INFO, logger="bot.services.audit")
    async with trail.attempt(who, "user_create", "ada@example.com", detail="licensed"):
        pass
    with pytest.raises(ZoomError):
        async with trail.attempt(who, "user_create", "ada@example.com"):
            raise ZoomError(ZoomErrorKind.VALIDATION, "create the Zoom user", status=409, code=1005)
    with pytest.raises(Refusal):
        async with trail.attempt(who, "user_deactivate", "bob@example.com"):
            raise Refusal(RefusalKind.NOT_ZOOM_ADMIN, "deactivate the Zoom user")
    with pytest.raises(ZoomError):
        async with trail.attempt(who, "recording_trash", "Standup"):
            raise ZoomError(ZoomErrorKind.UNAVAILABLE, "move the recording to the trash")
    entries = await trail.recent("T1", 10)
    assert [(e.action, e.result, e.reason) for e in reversed(entries)] == [
        ("user_create", "ok", None),
        ("user_create", "refused", "zoom 1005"),
        ("user_deactivate", "refused", "not_zoom_admin"),
        ("recording_trash", "failed", "zoom unavailable"),
    ]
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.services.audit"]
    assert len(lines) == 4
    assert lines[1] == "audit: user_create ada@example.com by T1/U1: refused (zoom 1005)"
