"""`/zoom usage` and `/zoom live` end to end: signed slash commands, the bot in account mode, the
simulator's daily report and Dashboard with Zoom's rules (admins, plans, six months, rate labels)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.world import ACCOUNT_ID, OfflineWorld
from bot.sandbox.zoom_simulator.reports import DayUsage
from tests.e2e.test_commands import ALICE, BOB, GENERAL, reply_to, schedule, texts

DAILY = "GET /v2/report/daily"
LIVE = "GET /v2/metrics/meetings"
NEW_YORK = ZoneInfo("America/New_York")  # Alice's zone


def alices_today() -> date:
    return datetime.now(NEW_YORK).date()


def record_days(w: OfflineWorld, first: date, count: int, *, meetings: int) -> None:
    for n in range(count):
        w.sim.usage_history.record(
            ACCOUNT_ID,
            first + timedelta(days=n),
            DayUsage(
                new_users=1, meetings=meetings, participants=meetings * 3, meeting_minutes=meetings * 30
            ),
        )


async def test_usage_shows_the_last_7_days_against_the_7_before(account_world: OfflineWorld) -> None:
    w = account_world
    today = alices_today()
    record_days(w, today - timedelta(days=13), 7, meetings=2)  # the week before: 14 meetings
    record_days(w, today - timedelta(days=6), 7, meetings=3)  # this week: 21 meetings
    body = texts(await reply_to(w, ALICE, "usage"))  # alice owns the Zoom account
    assert "Zoom usage: the last 7 days" in body
    assert "Meetings" in body and "21" in body and "+50%" in body  # 21 against 14
    assert "Meeting minutes" in body and "630" in body
    assert "▁" in body or "█" in body  # a sparkline per series
    # Zoom answers a month per call: at most the two months the fortnight touches.
    assert 1 <= w.sim.stats.get(DAILY, 0) <= 2


async def test_usage_of_a_month_by_name_and_of_last_month(account_world: OfflineWorld) -> None:
    w = account_world
    today = alices_today()
    first_of_last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    record_days(w, first_of_last, 5, meetings=4)
    by_name = texts(await reply_to(w, ALICE, f"usage {first_of_last:%B %Y}"))
    relative = texts(await reply_to(w, ALICE, "usage last month"))
    for body in (by_name, relative):
        assert f"Zoom usage: {first_of_last:%B %Y}" in body and "20" in body


async def test_a_bad_or_unanswerable_period_is_explained_without_asking_zoom(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    unreadable = {
        "usage fortnightly": "Give a number of days",
        "usage 90d": "Pick between 1 and 31 days",
        "usage 2026-13": "has no month 13",
        "live now": "takes no arguments",
    }
    for command, words in unreadable.items():  # answered in the ack, with the usage line
        answer = str((await w.driver.slash(ALICE, GENERAL, command)).json())
        assert words in answer and f"/zoom {command.split()[0]}" in answer, command
    today = alices_today()
    too_old = today.replace(day=1) - timedelta(days=200)
    unanswerable = {
        f"usage {too_old:%Y-%m}": "Zoom keeps daily usage for 6 months",
        f"usage {today.year + 1}-01": "hasn't started yet",
    }
    for command, words in unanswerable.items():
        assert words in texts(await reply_to(w, ALICE, command)), command
    assert w.sim.stats.get(DAILY, 0) == 0


async def test_usage_and_live_are_for_zoom_admins_only(account_world: OfflineWorld) -> None:
    w = account_world
    for command in ("usage", "live"):
        refused = texts(await reply_to(w, BOB, command))  # bob is a member of the account
        assert "Owner" in refused and "Admin" in refused and "What to do" in refused
    assert w.sim.stats.get(DAILY, 0) == 0 and w.sim.stats.get(LIVE, 0) == 0


async def test_usage_and_live_need_account_mode(linked_world: OfflineWorld) -> None:
    w = linked_world
    for command in ("usage", "live"):
        assert "account mode" in texts(await reply_to(w, ALICE, command))
    assert w.sim.stats.get(DAILY, 0) == 0 and w.sim.stats.get(LIVE, 0) == 0


async def test_live_lists_meetings_in_progress_and_shares_one_dashboard_read(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    meeting = await schedule(w, BOB, "bob@example.com", '"Launch room" tomorrow 10am')
    w.sim.start_meeting(meeting.id)
    w.sim.join_meeting(meeting.id, "carol")
    w.sim.join_meeting(meeting.id, "Guest Person")
    body = texts(await reply_to(w, ALICE, "live"))
    assert "In progress now: 1 meeting" in body and "Launch room" in body
    assert "Bob Example" in body and "2 in the meeting" in body
    assert "bob@example.com" not in body  # names, not addresses
    again = texts(await reply_to(w, ALICE, "live"))
    assert "Launch room" in again
    assert w.sim.stats.get(LIVE, 0) == 1  # the second read-out came from the minute's shared answer
    # Today's meeting counts in the usage too, from the simulator's own meetings.
    usage = texts(await reply_to(w, ALICE, "usage 1d"))
    assert "Participants" in usage and "2" in usage


async def test_a_plan_without_dashboard_and_one_without_reports_get_their_own_words(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    w.sim.accounts[ACCOUNT_ID].plan = "pro"
    live = texts(await reply_to(w, ALICE, "live"))
    assert "Your Zoom plan has no Dashboard" in live and "Business" in live
    assert "Zoom usage" in texts(await reply_to(w, ALICE, "usage"))  # reports work on Pro
    w.sim.accounts[ACCOUNT_ID].plan = "basic"
    basic = texts(await reply_to(w, ALICE, "usage"))
    assert "No permission" in basic and "What to do" in basic


async def test_the_dashboards_rate_limit_is_explained_in_plain_words(account_world: OfflineWorld) -> None:
    w = account_world
    w.sim.inject(
        LIVE,
        status=429,
        headers={
            "Retry-After": "40",
            "X-RateLimit-Category": "Resource-intensive",
            "X-RateLimit-Type": "QPS",
        },
        times=5,
    )
    body = texts(await reply_to(w, ALICE, "live"))
    assert "10–20 times a minute" in body and "Try again in about" in body
