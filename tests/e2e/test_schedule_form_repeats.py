"""The schedule form's "Repeats" and "Host" end to end: the same Zoom series and the same
scheduling-for-someone paths as `/zoom schedule … every …` and `host …`, and a bad combination
answered on its field with nothing created. Every Zoom request and Block Kit payload is checked
against its contract at teardown (``tests/e2e/conftest.py``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.slack_standin import ViewRecord
from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, BOB, GENERAL

CREATE = "POST /v2/users/{userId}/meetings"


def first_day(tz: str, *, weekday: bool) -> date:
    """Two or more days ahead in ``tz`` (as the bot reads "today"), a weekday or a Saturday."""
    day = datetime.now(UTC).astimezone(ZoneInfo(tz)).date() + timedelta(days=2)
    while (day.weekday() < 5) != weekday or (not weekday and day.weekday() != 5):
        day += timedelta(days=1)
    return day


def values(topic: str, day: date, repeats: str, *, host: dict[str, Any] | None = None) -> dict[str, Any]:
    picked = {
        "topic": {"topic_input": {"type": "plain_text_input", "value": topic}},
        "date": {"date_picker": {"type": "datepicker", "selected_date": day.isoformat()}},
        "time": {"time_picker": {"type": "timepicker", "selected_time": "09:30"}},
        "duration": {"duration_select": {"type": "static_select", "selected_option": {"value": "15"}}},
        "repeats": {"repeats_select": {"type": "static_select", "selected_option": {"value": repeats}}},
    }
    if host is not None:
        picked["host"] = {"host_select": host}
    return picked


async def open_form(w: OfflineWorld, user: str, *, with_host: bool = False) -> ViewRecord:
    await w.driver.slash(user, GENERAL, "schedule")

    def latest() -> ViewRecord | None:
        views = [v for v in w.standin.views if v.user == user]
        if not views or (with_host and not _blocks(views[-1], "host")):
            return None
        return views[-1]

    return await w.standin.wait_for(latest, timeout=30)


def _blocks(view: ViewRecord, block_id: str) -> list[dict[str, Any]]:
    return [b for b in view.view["blocks"] if b.get("block_id") == block_id]


async def submitted(w: OfflineWorld, user: str, view: ViewRecord, picked: dict[str, Any]) -> None:
    before = len(w.standin.messages)
    response = await w.driver.view_submission(user, view, picked)
    assert response.status_code == 200 and not response.content.strip(b"{} "), response.text
    await w.standin.wait_for(lambda: len(w.standin.messages) > before or None, timeout=30)


async def test_every_weekday_is_one_zoom_series_from_the_chosen_date(linked_world: OfflineWorld) -> None:
    w = linked_world
    view = await open_form(w, ALICE)
    [repeats] = _blocks(view, "repeats")
    labels = [o["text"]["text"] for o in repeats["element"]["options"]]
    assert labels[0] == "Does not repeat" and len(labels) == 5
    day = first_day("America/New_York", weekday=True)
    await submitted(w, ALICE, view, values("Standup", day, "weekdays"))
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.type == 8 and meeting.topic == "Standup" and meeting.duration == 15
    assert meeting.recurrence is not None
    assert (meeting.recurrence["type"], meeting.recurrence["weekly_days"]) == (2, "2,3,4,5,6")
    assert meeting.recurrence["end_times"] == 60  # no end given: Zoom's maximum, as `every …` asks
    first = datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("America/New_York"))
    assert meeting.start_time == first.astimezone(UTC)
    reply = w.standin.messages[-1]
    assert "every weekday" in reply.all_text()


async def test_every_two_weeks_and_monthly_follow_the_chosen_date(linked_world: OfflineWorld) -> None:
    w = linked_world
    day = first_day("America/New_York", weekday=False)  # a Saturday: fine for these rules
    await submitted(w, ALICE, await open_form(w, ALICE), values("Retro", day, "biweekly"))
    await submitted(w, ALICE, await open_form(w, ALICE), values("Budget", day, "monthly"))
    retro, budget = sorted(w.sim.meetings_of("alice@example.com"), key=lambda m: m.topic != "Retro")
    assert retro.recurrence is not None and budget.recurrence is not None
    assert (retro.recurrence["type"], retro.recurrence["repeat_interval"]) == (2, 2)
    assert retro.recurrence["weekly_days"] == "7"  # Saturday, in Zoom's numbering
    assert (budget.recurrence["type"], budget.recurrence["monthly_day"]) == (3, day.day)


async def test_weekdays_from_a_saturday_is_a_field_error_and_nothing_is_created(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    view = await open_form(w, ALICE)
    saturday = first_day("America/New_York", weekday=False)
    response = await w.driver.view_submission(ALICE, view, values("Standup", saturday, "weekdays"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"repeats"}
    assert "Saturday" in answer["errors"]["repeats"]
    assert w.sim.meetings_of("alice@example.com") == [] and w.sim.stats.get(CREATE, 0) == 0


async def test_host_lists_whom_you_may_schedule_for_and_schedules_for_them(world: OfflineWorld) -> None:
    w = world
    assert (await w.link("bob")).status_code == 200
    view = await open_form(w, BOB, with_host=True)
    [host] = _blocks(view, "host")
    options = {o["text"]["text"]: o for o in host["element"]["options"]}
    assert list(options) == ["Me", "alice@example.com"]
    day = first_day("Europe/Berlin", weekday=True)
    picked = values(
        "Board sync",
        day,
        "weekly",
        host={"type": "static_select", "selected_option": options["alice@example.com"]},
    )
    await submitted(w, BOB, view, picked)
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "Board sync" and meeting.type == 8
    assert meeting.assistant_id == w.sim.user("bob@example.com").id  # schedule_for, as `host …`
    assert w.sim.meetings_of("bob@example.com") == []
    assert "they are the host" in w.standin.messages[-1].all_text()


async def test_without_scheduling_privilege_the_form_has_no_host_field(linked_world: OfflineWorld) -> None:
    w = linked_world  # alice gave privilege to bob, but nobody gave it to alice
    await open_form(w, ALICE)
    await w.standin.wait_for(lambda: w.sim.stats.get("GET /v2/users/{userId}/schedulers") or None, timeout=30)
    assert all(not _blocks(v, "host") for v in w.standin.views)


async def test_account_mode_any_user_may_be_picked_and_the_assistant_check_holds(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    view = await open_form(w, BOB)
    [host] = _blocks(view, "host")
    assert host["element"]["type"] == "users_select"
    day = first_day("Europe/Berlin", weekday=True)
    await submitted(
        w, BOB, view, values("Ops review", day, "none", host={"type": "users_select", "selected_user": ALICE})
    )
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "Ops review" and meeting.type == 2
    assert w.sim.meetings_of("bob@example.com") == []
