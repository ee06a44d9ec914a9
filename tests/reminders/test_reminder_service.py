"""ReminderService: what `/zoom remind` and the meeting commands/webhooks do to reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.reminders import ReminderError, ReminderService
from bot.slack.views import reminder_list
from bot.slack.views.notices import reminder_set_message
from bot.store.db import Database
from bot.store.reminders import ReminderStore
from bot.zoom.models import Meeting, Occurrence
from tests.reminders.helpers import OWNER, TEAM, statuses

NOW = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)


def meeting(start: datetime | None, *, meeting_id: int = 81234567890, **extra: object) -> Meeting:
    fields: dict[str, object] = dict(
        id=meeting_id,
        topic="Design review",
        type=2,
        start_time=start,
        duration=30,
        timezone="UTC",
        join_url=f"https://zoom.example/j/{meeting_id}",
        agenda="",
        status="waiting",
        start_url="https://zoom.example/s/HOST-SECRET",
    )
    fields.update(extra)
    return Meeting(**fields)  # type: ignore[arg-type]


@pytest.fixture
def service(db: Database) -> ReminderService:
    return ReminderService(ReminderStore(db))


async def add(service: ReminderService, m: Meeting, minutes: int = 10, channel: str = "C0001"):  # type: ignore[no-untyped-def]
    return await service.add(
        team_id=TEAM, user_id=OWNER, meeting=m, channel_id=channel, minutes_before=minutes, now=NOW
    )


async def test_add_computes_the_fire_time_and_lists_soonest_first(
    service: ReminderService, db: Database
) -> None:
    late = await add(service, meeting(NOW + timedelta(hours=3), meeting_id=2))
    soon = await add(service, meeting(NOW + timedelta(hours=1)), minutes=15)
    assert soon.fire_at == NOW + timedelta(minutes=45)
    assert [r.id for r in await service.list_for(TEAM, OWNER)] == [soon.id, late.id]
    # The views accept the service's objects as they are.
    assert "#" + str(soon.id) in reminder_set_message(soon, viewer_tz=UTC)["text"]
    assert len(reminder_list(await service.list_for(TEAM, OWNER), viewer_tz=UTC)["blocks"]) >= 3


async def test_the_host_start_url_is_never_stored(service: ReminderService, db: Database) -> None:
    from sqlalchemy import text

    await add(service, meeting(NOW + timedelta(hours=1)))
    async with db.session() as session:
        rows = (await session.execute(text("SELECT * FROM reminders"))).all()
    assert rows and "HOST-SECRET" not in repr(rows)


@pytest.mark.parametrize(
    ("start", "minutes", "says"),
    [
        (None, 10, "no fixed start time"),
        (NOW + timedelta(minutes=5), 10, "less than 10 minutes"),
        (NOW - timedelta(minutes=5), 10, "already started"),
    ],
)
async def test_add_refuses_reminders_that_cannot_fire(
    service: ReminderService, start: datetime | None, minutes: int, says: str
) -> None:
    with pytest.raises(ReminderError) as refused:
        await add(service, meeting(start), minutes=minutes)
    assert says in refused.value.message
    assert await service.list_for(TEAM, OWNER) == []


async def test_a_recurring_meeting_is_reminded_of_its_next_occurrence(service: ReminderService) -> None:
    occurrences = (
        Occurrence("1", NOW - timedelta(days=1), 30, "available"),
        Occurrence("2", NOW + timedelta(minutes=5), 30, "available"),  # too soon for a 10-minute reminder
        Occurrence("3", NOW + timedelta(days=1), 30, "deleted"),
        Occurrence("4", NOW + timedelta(days=2), 30, "available"),
    )
    view = await add(service, meeting(NOW - timedelta(days=1), type=8, occurrences=occurrences))
    assert view.fire_at == NOW + timedelta(days=2, minutes=-10)


async def test_moved_meeting_moves_its_reminders(service: ReminderService) -> None:
    r = await add(service, meeting(NOW + timedelta(hours=1)))
    assert await service.meeting_moved(81234567890, NOW + timedelta(hours=5), now=NOW) == 1
    [moved] = await service.list_for(TEAM, OWNER)
    assert moved.id == r.id and moved.fire_at == NOW + timedelta(hours=5, minutes=-10)
    # Moved so close that the reminder time has passed: it posts right away.
    await service.meeting_moved(81234567890, NOW + timedelta(minutes=3), now=NOW)
    assert (await service.list_for(TEAM, OWNER))[0].fire_at == NOW


async def test_moved_into_the_past_or_cancelled_meeting_cancels_reminders(
    service: ReminderService, db: Database
) -> None:
    a = await add(service, meeting(NOW + timedelta(hours=1), meeting_id=1))
    b = await add(service, meeting(NOW + timedelta(hours=1), meeting_id=2))
    other = await add(service, meeting(NOW + timedelta(hours=1), meeting_id=3))
    assert await service.meeting_moved(1, None, now=NOW) == 1
    assert await service.meeting_cancelled(2) == 1
    assert await service.meeting_cancelled(2) == 0
    assert await statuses(db) == {a.id: "cancelled", b.id: "cancelled", other.id: "pending"}


async def test_cancel_and_unlink_touch_only_the_owners_reminders(service: ReminderService) -> None:
    mine = await add(service, meeting(NOW + timedelta(hours=1)))
    theirs = await service.add(
        team_id=TEAM,
        user_id="U0OTHER",
        meeting=meeting(NOW + timedelta(hours=1)),
        channel_id="C1",
        minutes_before=5,
        now=NOW,
    )
    assert await service.cancel(TEAM, "U0OTHER", mine.id) is False
    assert await service.owner_unlinked(TEAM, OWNER) == 1
    assert await service.list_for(TEAM, OWNER) == []
    assert [r.id for r in await service.list_for(TEAM, "U0OTHER")] == [theirs.id]
