"""AttendanceJobStore and ChannelAttendanceStore: one job per instance, one claimer at a time, leases
that a dead process gives up, and each channel's switch (on unless turned off)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store.attendance_jobs import AttendanceJobStore
from bot.store.channel_attendance import ChannelAttendanceStore
from bot.store.db import Database

MEETING = 81234567890
NOW = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


async def schedule(jobs: AttendanceJobStore, uuid: str = "abc==", *, due: datetime = NOW) -> bool:
    return await jobs.schedule(
        MEETING, uuid, host_id="z-host", topic="Standup", due_at=due, give_up_at=due + timedelta(hours=1)
    )


async def test_an_instance_is_scheduled_once(db: Database) -> None:
    jobs = AttendanceJobStore(db)
    assert await schedule(jobs)
    assert not await schedule(jobs)  # the same meeting.ended, delivered again or to another process
    assert await schedule(jobs, "another-instance==")
    assert [j.meeting_uuid for j in await jobs.for_meeting(MEETING)] == ["abc==", "another-instance=="]


async def test_a_job_is_claimed_by_one_process_only_once_due(db: Database) -> None:
    jobs = AttendanceJobStore(db)
    await schedule(jobs, due=NOW + timedelta(minutes=2))
    assert await jobs.claim_due("a", NOW, lease=LEASE, limit=10) == []  # not due yet
    later = NOW + timedelta(minutes=2)
    claims = await asyncio.gather(*(jobs.claim_due(owner, later, lease=LEASE, limit=10) for owner in "abcd"))
    winners = [owner for owner, claimed in zip("abcd", claims, strict=True) if claimed]
    assert len(winners) == 1
    [job] = next(claimed for claimed in claims if claimed)
    assert job.status == "running" and job.attempts == 1


async def test_a_retry_waits_and_only_the_holder_may_finish(db: Database) -> None:
    jobs = AttendanceJobStore(db)
    await schedule(jobs)
    [job] = await jobs.claim_due("a", NOW, lease=LEASE, limit=10)
    assert not await jobs.retry_at(job.id, "b", NOW + timedelta(minutes=4), now=NOW)  # not b's to put back
    assert await jobs.retry_at(job.id, "a", NOW + timedelta(minutes=4), now=NOW)
    assert await jobs.claim_due("b", NOW + timedelta(minutes=3), lease=LEASE, limit=10) == []
    [again] = await jobs.claim_due("b", NOW + timedelta(minutes=4), lease=LEASE, limit=10)
    assert again.attempts == 2
    assert not await jobs.finish(job.id, "a", "posted", now=NOW)
    assert await jobs.finish(job.id, "b", "posted", now=NOW)
    assert await jobs.claim_due("c", NOW + timedelta(days=1), lease=LEASE, limit=10) == []  # done for good
    with pytest.raises(ValueError):
        await jobs.finish(job.id, "b", "pending", now=NOW)


async def test_a_dead_claimers_job_is_taken_over_when_its_lease_runs_out(db: Database) -> None:
    jobs = AttendanceJobStore(db)
    await schedule(jobs)
    [job] = await jobs.claim_due("dead", NOW, lease=LEASE, limit=10)
    assert await jobs.claim_due("alive", NOW + LEASE - timedelta(seconds=1), lease=LEASE, limit=10) == []
    [taken] = await jobs.claim_due("alive", NOW + LEASE + timedelta(seconds=1), lease=LEASE, limit=10)
    assert taken.id == job.id and taken.attempts == 2
    assert not await jobs.finish(
        job.id, "dead", "posted", now=NOW
    )  # the old holder's late finish changes nothing


async def test_finished_jobs_are_pruned_after_a_while(db: Database) -> None:
    jobs = AttendanceJobStore(db)
    await schedule(jobs)
    await schedule(jobs, "pending==", due=NOW + timedelta(days=30))
    [job] = await jobs.claim_due("a", NOW, lease=LEASE, limit=10)
    await jobs.finish(job.id, "a", "gave_up", now=NOW)
    assert await jobs.prune(NOW) == 0  # finished just now
    assert await jobs.prune(NOW + timedelta(seconds=1)) == 1
    assert [j.meeting_uuid for j in await jobs.for_meeting(MEETING)] == ["pending=="]


async def test_a_channel_is_on_until_someone_turns_it_off(db: Database) -> None:
    channels = ChannelAttendanceStore(db)
    assert (await channels.get("T1", "C1")).enabled
    assert not await channels.set("T1", "C1", enabled=True, by="U1", now=NOW)  # on already
    assert await channels.set("T1", "C1", enabled=False, by="U2", now=NOW)
    assert not await channels.set("T1", "C1", enabled=False, by="U3", now=NOW)
    state = await channels.get("T1", "C1")
    assert not state.enabled and state.changed_by == "U2"
    assert (await channels.get("T1", "C2")).enabled and (await channels.get("T2", "C1")).enabled
    assert await channels.set("T1", "C1", enabled=True, by="U3", now=NOW)
    assert (await channels.get("T1", "C1")).enabled
