"""Delivery against the Slack stand-in on loopback: content, lateness policy, 429s, refusals, pacing."""

from __future__ import annotations

from datetime import timedelta

from bot.reminders.delivery import ReminderDelivery
from bot.reminders.pacing import ChannelPacer
from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.zoom_simulator.clock import ManualClock
from bot.slack.outbox import SlackOut
from bot.store.db import Database
from bot.store.reminders import ReminderStore
from tests.reminders.helpers import CHANNELS, OWNER, add_reminder, reminder_ids_posted, statuses


class FakeTime:
    """Monotonic time and sleep for the pacer: sleeping advances the clock instead of waiting."""

    def __init__(self, clock: ManualClock | None = None) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self._clock = clock

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        if self._clock is not None:
            self._clock.advance(seconds)


def delivery(
    db: Database, slack: SlackOut, clock: ManualClock, fake: FakeTime | None = None, **options: object
):  # type: ignore[no-untyped-def]
    fake = fake or FakeTime(clock)
    return ReminderDelivery(
        ReminderStore(db),
        slack,
        owner="proc-1",
        clock=clock.now,
        pacer=ChannelPacer(monotonic=fake.monotonic),
        sleep=fake.sleep,
        lease=timedelta(seconds=30),
        **options,  # type: ignore[arg-type]
    )


async def test_a_due_reminder_is_posted_once_with_time_token_and_join_button(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=clock.now() + timedelta(minutes=10), minutes_before=10)
    worker = delivery(db, slack_out, clock)
    report = await worker.run_round()
    assert (report.claimed, report.sent, report.delayed) == (1, 1, 0)
    [post] = standin.messages_in(CHANNELS[0])
    section = post.blocks[0]  # type: ignore[index]
    assert section["block_id"] == f"zoombot_reminder_{row.id}"
    assert "*Design review* starts <!date^" in section["text"]["text"]
    assert "(in 10 minutes)" in section["text"]["text"] and "delayed" not in post.all_text()
    assert section["accessory"]["url"] == "https://zoom.example/j/81234567890"
    assert reminder_ids_posted(standin) == [row.id]
    assert (await statuses(db))[row.id] == "sent"
    assert (await worker.run_round()).claimed == 0  # nothing twice
    assert len(standin.messages_in(CHANNELS[0])) == 1


async def test_after_downtime_a_late_reminder_is_marked_delayed(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=clock.now() + timedelta(minutes=10), minutes_before=10)
    clock.advance(7 * 60)  # every process was down from the due time until now
    report = await delivery(db, slack_out, clock).run_round()
    assert (report.sent, report.delayed) == (1, 1)
    text = standin.messages_in(CHANNELS[0])[0].all_text()
    assert "(delayed)" in text and "(in 3 minutes)" in text
    assert (await statuses(db))[row.id] == "sent"


async def test_after_downtime_past_the_start_the_reminder_is_missed_and_the_owner_told_once(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=clock.now() + timedelta(minutes=10), minutes_before=10)
    clock.advance(15 * 60)
    worker = delivery(db, slack_out, clock)
    assert (await worker.run_round()).missed == 1
    assert (await worker.run_round()).claimed == 0
    assert standin.messages_in(CHANNELS[0]) == []  # nothing posted in the channel
    dms = standin.messages_in(standin.dm_channel(OWNER))
    assert len(dms) == 1 and f"#{row.id}" in dms[0].all_text() and "was not posted" in dms[0].all_text()
    assert (await statuses(db))[row.id] == "missed"


async def test_slack_429_returns_the_row_with_due_time_after_retry_after(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    first = await add_reminder(store, starts=clock.now() + timedelta(minutes=10))
    second = await add_reminder(store, starts=clock.now() + timedelta(minutes=10), topic="Second")
    standin.inject("chat.postMessage", status=429, retry_after=7)
    worker = delivery(db, slack_out, clock)
    report = await worker.run_round()
    assert (report.sent, report.released) == (0, 2)  # the refused row and the rest of its channel
    assert await statuses(db) == {first.id: "pending", second.id: "pending"}
    clock.advance(6)
    assert (await worker.run_round()).claimed == 0  # Retry-After is honoured
    clock.advance(1)
    assert (await worker.run_round()).sent == 2
    assert sorted(reminder_ids_posted(standin)) == [first.id, second.id]


async def test_a_refused_channel_fails_the_reminder_and_tells_the_owner(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=clock.now() + timedelta(minutes=10), channel="C9GONE")
    report = await delivery(db, slack_out, clock).run_round()
    assert report.failed == 1
    assert (await statuses(db))[row.id] == "failed"
    [dm] = standin.messages_in(standin.dm_channel(OWNER))
    assert "channel_not_found" in dm.all_text()


async def test_transient_slack_errors_are_retried_later(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=clock.now() + timedelta(minutes=10))
    standin.inject("chat.postMessage", status=503)
    worker = delivery(db, slack_out, clock)
    assert (await worker.run_round()).released == 1
    clock.advance(5)
    assert (await worker.run_round()).sent == 1
    assert reminder_ids_posted(standin) == [row.id]


async def test_posts_to_one_channel_are_spaced_a_second_apart_but_channels_run_in_parallel(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    start = clock.now() + timedelta(minutes=10)
    for channel in CHANNELS[:2]:
        for _ in range(3):
            await add_reminder(store, starts=start, channel=channel)
    # Real time with a 0.2 s spacing, so that the two channels really do wait side by side.
    worker = ReminderDelivery(
        ReminderStore(db),
        slack_out,
        owner="proc-1",
        clock=clock.now,
        pacer=ChannelPacer(0.2),
        lease=timedelta(seconds=30),
    )
    assert (await worker.run_round()).sent == 6
    first, second = (
        [c.at for c in standin.calls_to("chat.postMessage") if c.args["channel"] == channel]
        for channel in CHANNELS[:2]
    )
    for times in (first, second):
        assert len(times) == 3
        assert all(later - earlier >= 0.19 for earlier, later in zip(times, times[1:], strict=False))
    # Side by side, not one channel after the other: each channel's posts began before the
    # other's ended (an order, not a duration, so a busy machine cannot fail it).
    assert first[0] < second[-1] and second[0] < first[-1]


async def test_rows_that_would_outlive_the_lease_are_handed_back_not_held(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    start = clock.now() + timedelta(minutes=10)
    ids = [(await add_reminder(store, starts=start, channel=CHANNELS[0])).id for _ in range(40)]
    worker = delivery(db, slack_out, clock)  # 30 s lease, 2 s Slack timeout, 1 post per second
    report = await worker.run_round()
    assert report.sent + report.released == 40
    assert 20 <= report.sent <= 28 and report.released >= 12
    assert sorted(reminder_ids_posted(standin)) == sorted(ids[: report.sent])
    # The handed-back rows come due again at this channel's next free slot, not before.
    assert (await worker.run_round()).claimed == 0
    clock.advance(1)
    second = await worker.run_round()
    assert second.sent + second.released == report.released
    assert len(set(reminder_ids_posted(standin))) == len(reminder_ids_posted(standin))


async def test_stop_hands_back_claims_whose_post_has_not_started(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    import asyncio

    store = ReminderStore(db)
    start = clock.now() + timedelta(minutes=10)
    for _ in range(5):
        await add_reminder(store, starts=start, channel=CHANNELS[0])
    gate = asyncio.Event()

    async def blocked_sleep(seconds: float) -> None:
        await gate.wait()

    fake = FakeTime(clock)
    fake.sleep = blocked_sleep  # type: ignore[method-assign]
    worker = delivery(db, slack_out, clock, fake)
    round_task = asyncio.create_task(worker.run_round())
    await standin.wait_for(lambda: len(standin.messages_in(CHANNELS[0])) == 1)
    for _ in range(100):  # the first post's "sent" commit follows Slack's answer
        if "sent" in (await statuses(db)).values():
            break
        await asyncio.sleep(0.02)
    assert await worker.hand_back() == 4
    round_task.cancel()
    assert sorted((await statuses(db)).values()) == ["pending"] * 4 + ["sent"]


def test_lateness_policy_decides_on_the_original_due_time() -> None:
    from datetime import UTC, datetime

    from bot.reminders.delivery import Verdict, lateness
    from bot.store.reminders import ReminderRow

    start = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)

    def row(minutes: int, due_pushed_to: datetime | None = None) -> ReminderRow:
        due = due_pushed_to or start - timedelta(minutes=minutes)
        return ReminderRow(1, "T", "U", 1, "t", start, "C1", minutes, due, "sending", None, 1)

    assert lateness(row(10), start - timedelta(minutes=9)) is Verdict.ON_TIME
    assert lateness(row(10), start - timedelta(minutes=7)) is Verdict.DELAYED
    # Pushed back by 429s does not make it "on time": the original due time counts.
    assert lateness(row(10, start - timedelta(minutes=1)), start - timedelta(minutes=1)) is Verdict.DELAYED
    assert lateness(row(10), start) is Verdict.MISSED
    assert lateness(row(0), start + timedelta(seconds=30)) is Verdict.ON_TIME  # "starts now"
    assert lateness(row(0), start + timedelta(minutes=5)) is Verdict.MISSED


async def test_without_chat_write_public_a_reminder_for_a_channel_the_bot_is_not_in_tells_the_owner(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    """chat:write.public is optional (bot_optional in the manifest): left out, the reminder is
    refused by Slack for a public channel zoombot was not invited to, and its owner is told how."""
    standin.add_channel("C0OUTSIDE", "outside", bot_is_member=False)
    standin.grant_scopes(["commands", "chat:write", "users:read", "users:read.email", "im:write"])
    row = await add_reminder(
        ReminderStore(db), starts=clock.now() + timedelta(minutes=10), channel="C0OUTSIDE"
    )
    assert (await delivery(db, slack_out, clock).run_round()).failed == 1
    assert standin.messages_in("C0OUTSIDE") == []
    [dm] = standin.messages_in(standin.dm_channel(OWNER))
    assert f"#{row.id}" in dm.all_text() and "/invite @zoombot" in dm.all_text()
