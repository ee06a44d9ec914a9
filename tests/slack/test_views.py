"""Block Kit builders: schema-valid, within Slack's limits, escaped, and never leaking the start URL."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack import views
from bot.slack.hints import LinkStatus, hint_for
from bot.slack.views import (
    ACTION_CANCEL_ABORT,
    ACTION_CANCEL_CONFIRM,
    ACTION_HOME_LINK,
    ACTION_HOME_NEW_MEETING,
    ACTION_HOME_UNLINK,
    ACTION_LINK_OPEN,
    SCHEDULE_CALLBACK_ID,
    ScheduleForm,
    cancel_confirm,
    help_blocks,
    help_message,
    hint_message,
    home_view,
    link_prompt,
    meeting_card,
    meeting_details,
    meeting_list,
    parse_schedule_submission,
    recordings_list,
    reminder_list,
    schedule_modal,
    start_link_ephemeral,
    trash_list,
    user_card,
    user_list,
)
from bot.slack.views import schedule_form as modal_ids
from bot.zoom.errors import NotLinkedError

sys.path.insert(0, str(Path(__file__).parent))
from blockkit import assert_valid_blocks, assert_valid_home, assert_valid_message, assert_valid_modal  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
START_URL = "https://us02web.zoom.us/s/81234567890?zak=eyJhbGciOiJIUzI1NiJ9.host-credential.sig"
JOIN_URL = "https://us02web.zoom.us/j/81234567890?pwd=abc123"


@dataclass(frozen=True)
class Occurrence:
    occurrence_id: str
    start_time: datetime
    duration: int | None = 30
    status: str | None = "available"


@dataclass(frozen=True)
class Meeting:
    id: int = 81234567890
    topic: str = "Design review"
    type: int = 2
    start_time: datetime | None = datetime(2026, 6, 11, 13, 0, tzinfo=UTC)
    duration: int | None = 45
    timezone: str | None = "Europe/Berlin"
    join_url: str = JOIN_URL
    start_url: str = START_URL
    agenda: str | None = "Walk through the new onboarding flow"
    status: str | None = "waiting"
    occurrences: list[Occurrence] = field(default_factory=list)


@dataclass(frozen=True)
class ZoomUser:
    id: str = "KDcuGIm1QgePTO8WbOqwIQ"
    email: str = "ada@example.com"
    first_name: str | None = "Ada"
    last_name: str | None = "Lovelace"
    type: int = 2
    timezone: str | None = "Europe/London"
    pmi: int | None = 5551234567
    role_name: str = "Admin"


@dataclass(frozen=True)
class Recording:
    uuid: str = "4444AAAiAAAAAiAiAiiAii=="
    topic: str = "All hands"
    start_time: datetime = datetime(2026, 6, 8, 15, 0, tzinfo=UTC)
    share_url: str | None = "https://us02web.zoom.us/rec/share/abc"
    total_size: int | None = 734_003_200
    files: list[dict[str, Any]] = field(default_factory=lambda: [{"file_type": "MP4"}, {"file_type": "M4A"}])


@dataclass(frozen=True)
class Reminder:
    id: int = 12
    meeting_id: int = 81234567890
    topic: str = "Design review"
    channel_id: str = "C0123ABC"
    minutes_before: int = 10
    fire_at: datetime = datetime(2026, 6, 11, 12, 50, tzinfo=UTC)
    repeats: bool = False


def dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def mrkdwn_texts(payload: Any) -> list[str]:
    """Every string Slack parses as mrkdwn: mrkdwn text objects and the top-level fallback text."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    if isinstance(payload, dict) and isinstance(payload.get("text"), str):
        found.append(payload["text"])
    return found


OUR_TOKENS = re.compile(r"<(?:!date\^\d+\^[^|>]*\|[^<>]*|#C[A-Z0-9]+|https://[^|>]*\|[^<>]*)>")


def assert_no_raw_markup(payload: Any) -> None:
    for text in mrkdwn_texts(payload):
        stripped = OUR_TOKENS.sub("", text)
        assert "<" not in stripped and ">" not in stripped, text
        assert not re.search(r"&(?!amp;|lt;|gt;)", stripped), text


# --- meetings -----------------------------------------------------------------------------


@pytest.mark.parametrize("for_channel", [True, False])
def test_meeting_card_has_join_button_time_token_and_never_the_start_url(for_channel: bool) -> None:
    card = meeting_card(Meeting(), viewer_tz=BERLIN, for_channel=for_channel)
    assert_valid_message(card)
    text = dump(card)
    assert START_URL not in text and "zak=" not in text
    join = card["blocks"][0]["accessory"]
    assert (join["url"], join["action_id"], join["text"]["text"]) == (JOIN_URL, "join_meeting", "Join")
    assert "<!date^1781182800^{date_short_pretty} at {time}|Thu 11 Jun 2026 at 15:00 CEST>" in text
    assert "812 3456 7890" in text
    assert ("onboarding flow" in text) is (not for_channel)  # the agenda stays out of the channel


def test_start_link_goes_only_in_the_ephemeral_builder() -> None:
    message = start_link_ephemeral(Meeting())
    assert_valid_message(message)
    assert message["blocks"][0]["accessory"]["url"] == START_URL
    assert START_URL not in message["text"]  # notifications and previews don't show it either


def test_recurring_meetings_show_the_next_occurrence() -> None:
    occurrences = [
        Occurrence("1", datetime(2026, 6, 3, 7, 0, tzinfo=UTC)),
        Occurrence("2", datetime(2026, 6, 10, 7, 0, tzinfo=UTC), status="deleted"),
        Occurrence("3", datetime(2026, 6, 17, 7, 0, tzinfo=UTC), duration=25),
    ]
    weekly = Meeting(topic="Weekly", type=8, start_time=occurrences[0].start_time, occurrences=occurrences)
    floating = Meeting(topic="Office hours", type=3, start_time=None)
    message = meeting_list([weekly, floating], viewer_tz=BERLIN, title="This week", now=NOW)
    assert_valid_message(message)
    weekly_text = message["blocks"][1]["text"]["text"]
    assert f"Next: <!date^{int(occurrences[2].start_time.timestamp())}^" in weekly_text
    assert "25 min · recurring" in weekly_text
    assert "Recurring, no fixed time" in message["blocks"][2]["text"]["text"]


def test_three_hundred_meetings_fit_in_fifty_blocks_with_and_n_more() -> None:
    meetings = [Meeting(id=812_0000_0000 + i, topic=f"Meeting {i}") for i in range(300)]
    message = meeting_list(meetings, viewer_tz=BERLIN, title="Upcoming")
    assert_valid_message(message)
    assert len(message["blocks"]) <= 50
    shown = sum(1 for b in message["blocks"] if b.get("accessory", {}).get("action_id") == "join_meeting")
    assert f"…and {300 - shown} more" in dump(message["blocks"][-1])
    assert message["text"] == "Upcoming: 300 meetings"


def test_empty_list_says_so() -> None:
    message = meeting_list([], viewer_tz=BERLIN, title="Today")
    assert_valid_message(message)
    assert "`/zoom schedule`" in dump(message)


def test_meeting_details_and_huge_fields_stay_valid() -> None:
    long = "x" * 5000
    occurrences = [Occurrence(str(i), NOW + timedelta(days=7 * i)) for i in range(1, 9)]
    meeting = Meeting(topic=long, agenda=long, type=8, occurrences=occurrences)
    message = meeting_details(meeting, viewer_tz=BERLIN, now=NOW)
    assert_valid_message(message)
    assert "…and 3 more" in dump(message)
    assert START_URL not in dump(message)


def test_a_meeting_without_a_join_url_gets_no_button() -> None:
    message = meeting_card(Meeting(join_url=""), viewer_tz=BERLIN, for_channel=True)
    assert_valid_message(message)
    assert "accessory" not in message["blocks"][0]


def test_cancel_confirm_carries_the_meeting_id() -> None:
    message = cancel_confirm(Meeting(type=8), viewer_tz=BERLIN)
    assert_valid_message(message)
    buttons = message["blocks"][1]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ACTION_CANCEL_CONFIRM, "81234567890"),
        (ACTION_CANCEL_ABORT, "81234567890"),
    ]
    assert buttons[0]["style"] == "danger" and buttons[1]["text"]["text"] == "Keep it"
    assert "whole series" in message["blocks"][0]["text"]["text"]


# --- people, recordings, reminders -------------------------------------------------------


def test_user_card_and_list() -> None:
    card = user_card(ZoomUser())
    assert_valid_message(card)
    text = dump(card)
    assert "Ada Lovelace" in text and "Licensed" in text and "555 123 4567" in text and "Admin" in text
    many = user_list([ZoomUser(email=f"u{i}@example.com") for i in range(120)])
    assert_valid_message(many)
    assert "…and 75 more" in dump(many)
    assert_valid_message(user_list([]))


def test_recordings_list() -> None:
    message = recordings_list(
        [Recording(), Recording(share_url=None, total_size=None)], viewer_tz=BERLIN, days=7
    )
    assert_valid_message(message)
    text = dump(message)
    assert "<https://us02web.zoom.us/rec/share/abc|Open recording>" in text
    assert "700.0 MB" in text and "2 files" in text and "size unknown" in text
    assert_valid_message(recordings_list([], viewer_tz=BERLIN, days=1))
    # Each entry: *Move to trash* behind Slack's confirm dialog, naming the recording by its
    # instance and day; nameless ones (no UUID) get no button.
    buttons = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert [b["value"] for b in buttons] == ["2026-06-08|4444AAAiAAAAAiAiAiiAii=="] * 2
    assert all(b["confirm"]["confirm"]["text"] == "Move to trash" for b in buttons)
    nameless = recordings_list([Recording(uuid="")], viewer_tz=BERLIN)
    assert not any("accessory" in b for b in nameless["blocks"])


def test_trash_list_offers_recover() -> None:
    message = trash_list([Recording()], viewer_tz=BERLIN)
    assert_valid_message(message)
    (button,) = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert button["text"]["text"] == "Recover" and button["action_id"] == "recording_recover"
    assert_valid_message(trash_list([], viewer_tz=BERLIN))


def test_reminder_list() -> None:
    message = reminder_list([Reminder(), Reminder(id=13, channel_id="not-an-id<>")], viewer_tz=BERLIN)
    assert_valid_message(message)
    text = dump(message)
    assert "*#12*" in text and "in <#C0123ABC>" in text and "not-an-id&lt;&gt;" in text
    assert_valid_message(reminder_list([], viewer_tz=BERLIN))


# --- help, link, hints, home -------------------------------------------------------------


def test_link_prompt_is_a_url_button() -> None:
    url = "https://zoom.us/oauth/authorize?response_type=code&client_id=abc&state=s1&code_challenge=x"
    message = link_prompt(url)
    assert_valid_message(message)
    button = message["blocks"][1]["elements"][0]
    assert (button["action_id"], button["url"]) == (ACTION_LINK_OPEN, url)
    assert url not in message["text"]


@pytest.mark.parametrize(
    "status", [LinkStatus(False), LinkStatus(True, "a@b.c"), LinkStatus(True, None, True)]
)
def test_help_is_valid_in_every_state(status: LinkStatus) -> None:
    assert_valid_message(help_message(status))
    assert_valid_message(help_message(status, subcommand="remind"))
    assert_valid_blocks(help_blocks(status))


def test_hint_message_for_not_linked() -> None:
    message = hint_message(hint_for(NotLinkedError("T", "U"), mode="user"))
    assert_valid_message(message)
    assert "`/zoom link`" in message["text"]


def test_home_for_each_link_state() -> None:
    unlinked = home_view(LinkStatus(False), [], viewer_tz=BERLIN)
    assert_valid_home(unlinked)
    assert [e["action_id"] for e in unlinked["blocks"][2]["elements"]] == [ACTION_HOME_LINK]

    linked = home_view(LinkStatus(True, "ada@example.com"), [Meeting()], viewer_tz=BERLIN)
    assert_valid_home(linked)
    actions = [e["action_id"] for e in linked["blocks"][2]["elements"]]
    assert actions == [ACTION_HOME_NEW_MEETING, ACTION_HOME_UNLINK]
    assert linked["blocks"][2]["elements"][1]["confirm"]["confirm"]["text"] == "Unlink"
    assert JOIN_URL in dump(linked) and START_URL not in dump(linked)

    crowded = home_view(LinkStatus(True), [Meeting(id=900_000_000 + i) for i in range(300)], viewer_tz=BERLIN)
    assert_valid_home(crowded)
    assert len(crowded["blocks"]) <= 100 and "…and 280 more" in dump(crowded)


# --- the schedule modal ------------------------------------------------------------------


def test_schedule_modal_is_valid_and_uses_the_documented_ids() -> None:
    view = schedule_modal(
        initial_channel="C0123ABC", tz_name="Europe/Berlin", private_metadata='{"c":"C0123ABC"}',
        initial_date=date(2026, 6, 11),
    )  # fmt: skip
    assert_valid_modal(view)
    assert view["callback_id"] == SCHEDULE_CALLBACK_ID == "schedule_meeting"
    ids = [(b["block_id"], b["element"]["action_id"], b["element"]["type"]) for b in view["blocks"]]
    assert ids == [
        (modal_ids.BLOCK_TOPIC, modal_ids.ACTION_TOPIC, "plain_text_input"),
        (modal_ids.BLOCK_DATE, modal_ids.ACTION_DATE, "datepicker"),
        (modal_ids.BLOCK_TIME, modal_ids.ACTION_TIME, "timepicker"),
        (modal_ids.BLOCK_DURATION, modal_ids.ACTION_DURATION, "static_select"),
        (modal_ids.BLOCK_AGENDA, modal_ids.ACTION_AGENDA, "plain_text_input"),
        (modal_ids.BLOCK_REPEAT, modal_ids.ACTION_REPEAT, "static_select"),
        (modal_ids.BLOCK_CHANNEL, modal_ids.ACTION_CHANNEL, "conversations_select"),
    ]
    assert view["blocks"][2]["element"]["timezone"] == "Europe/Berlin"
    assert view["blocks"][6]["element"]["initial_conversation"] == "C0123ABC"
    assert [b.get("optional", False) for b in view["blocks"]] == [False] * 4 + [True, False, True]
    without_channel = schedule_modal(initial_channel=None, tz_name="UTC", private_metadata="")
    assert_valid_modal(without_channel)
    assert without_channel["blocks"][6]["element"]["default_to_current_conversation"] is True
    # The Host field: Zoom's schedulers in user mode, any Slack user in account mode.
    for host in (modal_ids.host_choices([_Delegate("dana@corp.com")]), modal_ids.host_anyone()):
        with_host = schedule_modal(
            initial_channel=None, tz_name="UTC", private_metadata="", host_element=host
        )
        assert_valid_modal(with_host)
        assert [b["block_id"] for b in with_host["blocks"]][-2:] == [
            modal_ids.BLOCK_HOST,
            modal_ids.BLOCK_CHANNEL,
        ]
    with pytest.raises(ValueError):
        schedule_modal(initial_channel=None, tz_name="UTC", private_metadata="x" * 3001)


def state(
    topic: str | None = "Design review",
    day: str | None = "2026-06-11",
    clock: str | None = "15:00",
    duration: str | None = "45",
    agenda: str | None = None,
    channel: str | None = "C0123ABC",
) -> dict[str, Any]:
    """The shape Slack sends in view["state"]."""
    return {
        "values": {
            "topic": {"topic_input": {"type": "plain_text_input", "value": topic}},
            "date": {"date_picker": {"type": "datepicker", "selected_date": day}},
            "time": {"time_picker": {"type": "timepicker", "selected_time": clock}},
            "duration": {
                "duration_select": {
                    "type": "static_select",
                    "selected_option": None if duration is None else {"text": {}, "value": duration},
                }
            },
            "agenda": {"agenda_input": {"type": "plain_text_input", "value": agenda}},
            "reminder_channel": {
                "reminder_channel_select": {"type": "conversations_select", "selected_conversation": channel}
            },
        }
    }


def test_submission_becomes_a_form_in_the_callers_zone() -> None:
    form = parse_schedule_submission(state(agenda="  Plan  "), tz=BERLIN, now=NOW)
    assert form == ScheduleForm(
        "Design review", datetime(2026, 6, 11, 15, 0, tzinfo=BERLIN), 45, "Plan", "C0123ABC"
    )


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"topic": "  "}, {"topic": "Give the meeting a topic."}),
        ({"topic": "x" * 201}, {"topic": "Zoom allows at most 200 characters."}),
        ({"day": None, "clock": "25:00"}, {"date": "Pick a date.", "time": "Pick a time."}),
        ({"duration": None}, {"duration": "Pick how long the meeting lasts."}),
        ({"duration": "99999"}, {"duration": "Pick how long the meeting lasts."}),
        ({"day": "2026-06-10", "clock": "09:00"}, {"time": "That time is in the past."}),
        ({"agenda": "a" * 2001}, {"agenda": "Zoom allows at most 2000 characters."}),
    ],
)
def test_submission_errors_are_keyed_by_block(overrides: dict[str, Any], errors: dict[str, str]) -> None:
    assert parse_schedule_submission(state(**overrides), tz=BERLIN, now=NOW) == errors


def test_submission_in_the_spring_forward_gap_is_refused() -> None:
    result = parse_schedule_submission(state(day="2027-03-28", clock="02:30"), tz=BERLIN, now=NOW)
    assert isinstance(result, dict) and "doesn't exist" in result["time"]


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.text(max_size=10) | st.integers(),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "values",
                        "topic",
                        "topic_input",
                        "value",
                        "date",
                        "date_picker",
                        "selected_date",
                        "time",
                        "time_picker",
                        "selected_time",
                        "duration",
                        "duration_select",
                        "selected_option",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_malformed_submissions_never_raise(garbage: Any) -> None:
    view_state = garbage if isinstance(garbage, dict) else {"values": garbage}
    result = parse_schedule_submission(view_state, tz=BERLIN, now=NOW)
    assert isinstance(result, (dict, ScheduleForm))


# --- escaping everywhere -----------------------------------------------------------------

NASTY = st.text(max_size=120) | st.sampled_from(
    ["<!channel>", "<@U123>", "R&D <3 > you", "<https://evil.example|click me>", "&amp;&lt;", "*bold* _x_"]
)


def every_builder(topic: str, agenda: str, name: str) -> list[Any]:
    meeting = Meeting(topic=topic, agenda=agenda or None, timezone=name or None)
    return [
        meeting_card(meeting, viewer_tz=BERLIN, for_channel=True),
        meeting_card(meeting, viewer_tz=BERLIN, for_channel=False),
        start_link_ephemeral(meeting),
        meeting_list([meeting] * 3, viewer_tz=BERLIN, title=topic or "x"),
        meeting_details(meeting, viewer_tz=BERLIN),
        cancel_confirm(meeting, viewer_tz=BERLIN),
        user_card(ZoomUser(first_name=name, last_name=topic, email=agenda or "a@b.c")),
        user_list([ZoomUser(first_name=name, email=topic or "a@b.c")]),
        recordings_list([Recording(topic=topic)], viewer_tz=BERLIN),
        reminder_list([Reminder(topic=topic)], viewer_tz=BERLIN),
        home_view(LinkStatus(True, name), [meeting], viewer_tz=BERLIN),
    ]


@settings(max_examples=60, deadline=None)
@given(topic=NASTY, agenda=NASTY, name=NASTY)
def test_user_and_zoom_text_is_never_unescaped(topic: str, agenda: str, name: str) -> None:
    for payload in every_builder(topic, agenda, name):
        assert_no_raw_markup(payload)
        for mention in ("<!channel>", "<@U123>"):
            assert all(mention not in text for text in mrkdwn_texts(payload))


@settings(max_examples=8, deadline=None)  # schema validation is the slow part; escaping is covered above
@given(topic=NASTY, agenda=NASTY, name=NASTY)
def test_any_text_still_gives_valid_payloads(topic: str, agenda: str, name: str) -> None:
    for payload in every_builder(topic, agenda, name):
        if payload.get("type") == "home":
            assert_valid_home(payload)
        else:
            assert_valid_message(payload)


# --- the real Zoom models fit the builders -------------------------------------------------


def test_builders_accept_the_zoom_models_parsed_from_zoom_json() -> None:
    from bot.zoom.models import Meeting as ZoomMeeting
    from bot.zoom.models import Recording as ZoomRecording
    from bot.zoom.models import ZoomUser as RealZoomUser

    meeting = ZoomMeeting.from_zoom(
        {
            "id": 81234567890,
            "topic": "Weekly <sync>",
            "type": 8,
            "start_time": "2026-06-03T07:00:00Z",
            "duration": 30,
            "timezone": "Europe/Berlin",
            "join_url": JOIN_URL,
            "start_url": START_URL,
            "agenda": "",
            "occurrences": [
                {
                    "occurrence_id": "1",
                    "start_time": "2026-06-03T07:00:00Z",
                    "duration": 30,
                    "status": "available",
                },
                {
                    "occurrence_id": "2",
                    "start_time": "2026-06-17T07:00:00Z",
                    "duration": 30,
                    "status": "available",
                },
            ],
        }
    )
    card = meeting_card(meeting, viewer_tz=BERLIN, for_channel=True)
    assert_valid_message(card)
    assert START_URL not in dump(card) and "Weekly &lt;sync&gt;" in dump(card)
    assert (
        "<!date^1781679600^"
        in meeting_list([meeting], viewer_tz=BERLIN, title="x", now=NOW)["blocks"][1]["text"]["text"]
    )
    assert start_link_ephemeral(meeting)["blocks"][0]["accessory"]["url"] == START_URL
    assert_valid_message(meeting_details(meeting, viewer_tz=BERLIN, now=NOW))

    recording = ZoomRecording.from_zoom(
        {"id": 1, "uuid": "u", "topic": "All hands", "start_time": "2026-06-08T15:00:00Z", "share_url": "",
         "total_size": 1024, "recording_files": [{"id": "f", "file_type": "MP4", "download_url": "https://dl"}]}
    )  # fmt: skip
    listing = recordings_list([recording], viewer_tz=BERLIN)
    assert_valid_message(listing)
    assert "https://dl" not in dump(listing)
    user = RealZoomUser.from_zoom({"id": "z1", "email": "ada@example.com", "first_name": "Ada", "type": 1})
    assert_valid_message(user_card(user))


def test_unfurl_shows_topic_host_and_start_with_a_join_to_the_pasted_url_only() -> None:
    pasted = "https://us02web.zoom.us/j/81234567890"  # without the passcode
    unfurl = views.meeting_unfurl(Meeting(), url=pasted, host="Ada Lovelace", fallback_tz=BERLIN)
    assert_valid_blocks(unfurl["blocks"])
    dumped = json.dumps(unfurl)
    assert "Design review" in dumped and "Host: Ada Lovelace" in dumped and "<!date^" in dumped
    assert START_URL not in dumped and "zak" not in dumped and "pwd=" not in dumped
    assert "Walk through" not in dumped  # the agenda is not for the channel
    [join] = [b["accessory"] for b in unfurl["blocks"] if "accessory" in b]
    assert join["url"] == pasted


def test_unfurl_escapes_the_topic_and_host() -> None:
    meeting = Meeting(topic="<!channel> & friends")
    unfurl = views.meeting_unfurl(meeting, url=JOIN_URL, host="<@U1>", fallback_tz=BERLIN)
    text = json.dumps(unfurl)
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; friends" in text and "&lt;@U1&gt;" in text


def test_personal_room_card_and_link_prompt_validate() -> None:
    card = views.personal_room_card(ZoomUser(), url="https://zoom.us/j/5551234567")
    assert_valid_message(card)
    assert "Ada Lovelace's personal meeting room" in card["blocks"][0]["text"]["text"]
    assert "555 123 4567" in json.dumps(card) and START_URL not in json.dumps(card)
    assert_valid_message(views.link_to_preview_prompt())


@dataclass(frozen=True)
class _Delegate:
    email: str


def _form_values(day: date, repeats: str, **host: Any) -> dict[str, Any]:
    picked: dict[str, Any] = {
        modal_ids.BLOCK_TOPIC: {modal_ids.ACTION_TOPIC: {"value": "Standup"}},
        modal_ids.BLOCK_DATE: {modal_ids.ACTION_DATE: {"selected_date": day.isoformat()}},
        modal_ids.BLOCK_TIME: {modal_ids.ACTION_TIME: {"selected_time": "09:00"}},
        modal_ids.BLOCK_DURATION: {modal_ids.ACTION_DURATION: {"selected_option": {"value": "15"}}},
        modal_ids.BLOCK_REPEAT: {modal_ids.ACTION_REPEAT: {"selected_option": {"value": repeats}}},
    }
    if host:
        picked[modal_ids.BLOCK_HOST] = {modal_ids.ACTION_HOST: host}
    return picked


def test_schedule_form_repeats_and_host_read_as_the_text_commands_do() -> None:
    now = datetime(2026, 6, 10, 12, tzinfo=BERLIN)  # a Wednesday
    read = partial(parse_schedule_submission, tz=BERLIN, now=now)
    friday, saturday = date(2026, 6, 12), date(2026, 6, 13)
    form = read({"values": _form_values(friday, "weekdays")})
    assert isinstance(form, ScheduleForm) and form.repeat is not None and form.host is None
    assert (form.repeat.kind, form.repeat.weekdays, form.repeat.from_day) == (
        "weekly",
        frozenset(range(5)),
        friday,
    )
    biweekly = read({"values": _form_values(saturday, "biweekly")})
    assert isinstance(biweekly, ScheduleForm) and biweekly.repeat is not None
    assert (biweekly.repeat.interval, biweekly.repeat.weekdays) == (2, frozenset({5}))
    monthly = read({"values": _form_values(saturday, "monthly")})
    assert isinstance(monthly, ScheduleForm) and monthly.repeat is not None and monthly.repeat.month_day == 13
    once = read({"values": _form_values(friday, "none", selected_option={"value": "dana@corp.com"})})
    assert isinstance(once, ScheduleForm) and once.repeat is None
    assert once.host is not None and once.host.email == "dana@corp.com"
    picked = read({"values": _form_values(friday, "none", selected_user="U0DANA")})
    assert (
        isinstance(picked, ScheduleForm) and picked.host is not None and picked.host.slack_user_id == "U0DANA"
    )
    me = read({"values": _form_values(friday, "none", selected_option={"value": modal_ids.HOST_ME})})
    assert isinstance(me, ScheduleForm) and me.host is None
    assert set(read({"values": _form_values(saturday, "weekdays")})) == {modal_ids.BLOCK_REPEAT}
    assert set(read({"values": _form_values(friday, "hourly")})) == {modal_ids.BLOCK_REPEAT}
