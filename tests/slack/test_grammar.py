"""The `/zoom` grammar: every contract row, Slack's escaped forms, and no input that makes it raise."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.grammar import (
    AttendanceSwitch,
    CancelMeeting,
    CancelReminder,
    ChangeUserStatus,
    ChannelRef,
    Command,
    CreateUser,
    DigestOff,
    DigestOn,
    Help,
    JoinMeeting,
    JoinPersonalRoom,
    Link,
    ListMeetings,
    ListReminders,
    ListUsers,
    Me,
    MoveMeeting,
    NewMeeting,
    OpenScheduleModal,
    Recordings,
    Remind,
    Schedule,
    ShowAudit,
    ShowMeeting,
    ShowUser,
    Unlink,
)
from bot.slack.hints import USAGE, UsageError
from bot.slack.subcommands import parse_command

ID = 81234567890


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("HELP schedule", Help("schedule")),
        ("link", Link()),
        ("unlink", Unlink()),
        ("me", Me()),
        ("new", NewMeeting(None)),
        ("new Standup", NewMeeting("Standup")),
        ('new "Design review"', NewMeeting("Design review")),
        ("new “Design review”", NewMeeting("Design review")),
        ("new R&amp;D &lt;3", NewMeeting("R&D <3")),
        ("new <!channel> party for <@U123|ada>", NewMeeting("@channel party for @ada")),
        ("schedule", OpenScheduleModal()),
        ('schedule "Design review" tomorrow 3pm for 45m', Schedule("Design review", "tomorrow 3pm", 45)),
        ("schedule Design review tomorrow 3pm for 1h30m", Schedule("Design review", "tomorrow 3pm", 90)),
        ("schedule Design review tomorrow 3pm", Schedule("Design review", "tomorrow 3pm", None)),
        ("schedule “Prep for launch” mon 9am", Schedule("Prep for launch", "mon 9am", None)),
        ("schedule Prep for launch mon 9am for 1.5h", Schedule("Prep for launch", "mon 9am", 90)),
        ("schedule 'Bob’s 1:1' Dec 3 2pm", Schedule("Bob’s 1:1", "Dec 3 2pm", None)),
        ("schedule Retro in 2h", Schedule("Retro", "in 2h", None)),
        ("list", ListMeetings("week")),
        ("list today", ListMeetings("today")),
        ("list Tomorrow", ListMeetings("tomorrow")),
        ("list week", ListMeetings("week")),
        ("show 812 3456 7890", ShowMeeting(ID)),
        ("show 812-3456-7890", ShowMeeting(ID)),
        ("show 81234567890", ShowMeeting(ID)),
        ("show 812 345 678", ShowMeeting(812345678)),
        ("show <https://us02web.zoom.us/j/81234567890?pwd=abc|zoom.us/j/81234567890>", ShowMeeting(ID)),
        ("join 812 3456 7890", JoinMeeting(ID)),
        ("join 812-345-678", JoinMeeting(812345678)),
        ("join <https://acme.zoom.us/j/81234567890?pwd=abc>", JoinMeeting(ID)),
        ("join me", JoinPersonalRoom()),
        ("JOIN Me", JoinPersonalRoom()),
        ("move 812 3456 7890 fri 10am", MoveMeeting(ID, "fri 10am")),
        ("cancel 812 3456 7890", CancelMeeting(ID)),
        ("remind 812 3456 7890", Remind(ID, 10, None)),
        ("remind 812 3456 7890 15m", Remind(ID, 15, None)),
        ("remind 812 3456 7890 15m <#C0123ABC|general>", Remind(ID, 15, ChannelRef("C0123ABC", "general"))),
        ("remind 812 3456 7890 <#C0123ABC|> 5m", Remind(ID, 5, ChannelRef("C0123ABC", None))),
        ("remind 81234567890 #team 1h", Remind(ID, 60, ChannelRef(None, "team"))),
        ("remind 81234567890 15", Remind(ID, 15, None)),
        ("reminders", ListReminders()),
        ("reminders cancel 12", CancelReminder(12)),
        ("digest on", DigestOn(time(8, 30))),
        ("digest on 07:45", DigestOn(time(7, 45))),
        ("digest on 9am", DigestOn(time(9, 0))),
        ("digest off", DigestOff()),
        ("attendance off", AttendanceSwitch(False)),
        ("attendance ON", AttendanceSwitch(True)),
        ("attendance", AttendanceSwitch(None)),
        ("recordings", Recordings(7)),
        ("recordings 14", Recordings(14)),
        ("recordings 30 days", Recordings(30)),
        ("users", ListUsers()),
        ("user ada@example.com", ShowUser("ada@example.com")),
        ("user <mailto:Ada@Example.com|Ada@Example.com>", ShowUser("Ada@Example.com")),
        ("user create ada@example.com", CreateUser("ada@example.com", licensed=False)),
        (
            "user CREATE <mailto:ada@example.com|ada@example.com> Licensed",
            CreateUser("ada@example.com", True),
        ),
        ("user deactivate bob@example.com", ChangeUserStatus("bob@example.com", active=False)),
        ("user activate bob@example.com", ChangeUserStatus("bob@example.com", active=True)),
        ("audit", ShowAudit(20)),
        ("audit 100", ShowAudit(100)),
        ("  \u200fshow\u00a0812 3456 7890\u200e ", ShowMeeting(ID)),  # RTL marks, no-break space
        ("connect", Link()),
    ],
)
def test_contract_rows(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "subcommand", "message_part"),
    [
        ("link now", "link", "takes no arguments"),
        ('new "unfinished', "new", "closing quote"),
        ("new " + "x" * 201, "new", "too long"),
        ("schedule Foo bar", "schedule", "couldn't find when"),
        ("schedule tomorrow 3pm", "schedule", "Add a topic"),
        ('schedule "Design review"', "schedule", "couldn't read when"),
        ('schedule "Design review" tomorrow 3pm for 2 days', "schedule", "couldn't read that duration"),
        ('schedule "Design review" tomorrow 3pm for 0m', "schedule", "between 1 minute and 24 hours"),
        ("list month", "list", "today"),
        ("show", "show", "9 to 11 digits"),
        ("show 123", "show", "doesn't look right"),
        ("show 812 3456 7890 extra", "show", "Only the meeting id"),
        ("show 812345678901", "show", "doesn't look right"),
        ("join", "join", "9 to 11 digits"),
        ("join you", "join", "doesn't look right"),
        ("join 812 3456 7890 now", "join", "or `me`"),
        ("move 812 3456 7890", "move", "Say when"),
        ("move 812 3456 7890 whenever", "move", "couldn't read the new time"),
        ("cancel abc", "cancel", "doesn't look right"),
        ("remind 812 3456 7890 soon", "remind", "how long before"),
        ("remind 812 3456 7890 2000m", "remind", "1 to 1440"),
        ("remind 812 3456 7890 #a #b", "remind", "one channel"),
        ("reminders delete 3", "reminders", "reminders cancel"),
        ("reminders cancel x", "reminders", "number"),
        ("digest on 25:00", "digest", "HH:MM"),
        ("digest maybe", "digest", "`on` or `off`"),
        ("attendance on off", "attendance", "`on` or `off`"),
        ("attendance sometimes", "attendance", "`on` or `off`"),
        ("recordings 0", "recordings", "between 1 and 30"),
        ("recordings lots", "recordings", "number of days"),
        ("users all", "users", "takes no arguments"),
        ("user", "user", "e-mail"),
        ("user not-an-email", "user", "e-mail"),
        ("user create", "user", "new user's e-mail"),
        ("user create ada@example.com gold", "user", "`basic` or `licensed`"),
        ("user create ada@example.com basic extra", "user", "new user's e-mail"),
        (f"user create {'a' * 60}@{'b' * 70}.com", "user", "at most 128"),
        ("user deactivate", "user", "user to deactivate"),
        ("user activate not-an-email", "user", "e-mail"),
        ("user ada@example.com bob@example.com", "user", "`create`, `deactivate` or `activate`"),
        ("audit 0", "audit", "between 1 and 100"),
        ("audit 101", "audit", "between 1 and 100"),
        ("audit -3", "audit", "how many"),
    ],
)
def test_malformed_arguments_give_that_subcommands_usage(
    text: str, subcommand: str, message_part: str
) -> None:
    result = parse_command(text)
    assert isinstance(result, UsageError), result
    assert result.subcommand == subcommand
    assert message_part in result.message
    assert (result.usage, result.example) == (USAGE[subcommand].syntax, USAGE[subcommand].example)


def test_unknown_subcommand_suggests_the_closest_one() -> None:
    result = parse_command("shedule Standup tomorrow 3pm")
    assert isinstance(result, UsageError)
    assert "Did you mean `/zoom schedule`?" in result.message
    assert result.usage == USAGE["schedule"].syntax


def test_unknown_subcommand_without_a_near_miss_points_to_help() -> None:
    result = parse_command("frobnicate")
    assert isinstance(result, UsageError)
    assert result.example == "/zoom help"


@pytest.mark.parametrize("subcommand", sorted(USAGE))
def test_every_usage_example_parses(subcommand: str) -> None:
    example = USAGE[subcommand].example.removeprefix("/zoom").strip()
    result = parse_command(example)
    assert not isinstance(result, UsageError), result


@given(
    meeting_id=st.integers(min_value=100_000_000, max_value=99_999_999_999),
    separator=st.sampled_from([" ", "-", ""]),
)
def test_meeting_ids_in_any_grouping(meeting_id: int, separator: str) -> None:
    digits = str(meeting_id)
    grouped = separator.join([digits[:3], digits[3:6], digits[6:]])
    assert parse_command(f"show {grouped}") == ShowMeeting(meeting_id)


SLACKY = st.sampled_from(
    ["<@U123ABC>", "<@U1|ada>", "<!channel>", "<!here>", "<!subteam^S1|@team>", "<#C1|general>", "<#C1>",
     "<mailto:a@b.c|a@b.c>", "<https://x.zoom.us/j/123456789>", "&amp;", "&lt;", "&gt;", "\u200f", "\u202e",
     "\x00", '"', "“", "”", "'", "#", "schedule", "show", "remind", "for", "45m", "tomorrow", "3pm", "812",
     "3456", "7890", "-", "cancel", "digest", "on", "user", "\ufeff", "🙂", " ", "every", "weekday",
     "2", "weeks", "mon,wed", "until", "x10", "move"]
)  # fmt: skip


@settings(max_examples=250, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=80),
        st.lists(SLACKY, max_size=12).map(" ".join),
        st.lists(SLACKY, max_size=12).map("".join),
        st.text(min_size=4000, max_size=4096),
    )
)
def test_never_raises(text: str) -> None:
    result = parse_command(text)
    assert result is not None
    # the catch-all in parse_command is a safety net, not the way inputs get answered
    assert not (isinstance(result, UsageError) and result.message == "I couldn't read that command.")
    if isinstance(result, UsageError):
        assert result.message and result.usage and result.example
    if isinstance(result, (NewMeeting, Schedule)) and result.topic:
        assert len(result.topic) <= 200


# --- recurring series ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic", "when", "duration"),
    [
        ('schedule "Standup" every weekday 9am for 15m', "Standup", "every weekday 9am for 15m", 15),
        ("schedule Standup every weekday 9am for 15m", "Standup", "every weekday 9am for 15m", 15),
        ("schedule Team sync every mon,wed 10am", "Team sync", "every mon,wed 10am", None),
        (
            'schedule "Retro" every 2 weeks on fri 3pm until Mar 31',
            "Retro",
            "every 2 weeks on fri 3pm until Mar 31",
            None,
        ),
        # "every" inside the topic: the first one that reads as a series wins
        ("schedule Review every PR every day 4pm x5", "Review every PR", "every day 4pm x5", None),
    ],
)
def test_schedule_every_is_a_series(text: str, topic: str, when: str, duration: int | None) -> None:
    result = parse_command(text)
    assert isinstance(result, Schedule) and result.repeat is not None
    assert (result.topic, result.when_text, result.duration_minutes) == (topic, when, duration)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('schedule "Standup" every', "how often"),
        ('schedule "Standup" every 0 weeks', "at least every 1"),
        ("schedule Standup every blursday 9am", "`blursday`"),
        ("schedule every weekday 9am", "topic"),
    ],
)
def test_bad_series_get_a_hint_with_an_example(text: str, words: str) -> None:
    result = parse_command(text)
    assert isinstance(result, UsageError) and result.subcommand == "schedule"
    assert words in result.message
    assert result.example.startswith('/zoom schedule "Standup" every')
    assert isinstance(parse_command(result.example.removeprefix("/zoom ")), Schedule)  # the example works


def test_one_off_topics_that_mention_daily_stay_one_offs() -> None:
    assert parse_command("schedule Daily standup tomorrow 9am") == Schedule(
        "Daily standup", "tomorrow 9am", None
    )


def test_move_to_a_rule_moves_the_series() -> None:
    result = parse_command("move 812 3456 7890 every weekday 10am")
    assert isinstance(result, MoveMeeting) and result.repeat is not None and result.meeting_id == 81234567890
    assert parse_command("move 812 3456 7890 fri 10am") == MoveMeeting(81234567890, "fri 10am")
    bad = parse_command("move 812 3456 7890 every blursday")
    assert (
        isinstance(bad, UsageError) and "`blursday`" in bad.message and bad.example.startswith("/zoom move")
    )


def test_a_series_can_be_scheduled_for_a_host() -> None:
    result = parse_command('schedule "Standup" every weekday 9am for 15m host <@U0ALICE|alice>')
    assert isinstance(result, Schedule) and result.repeat is not None and result.host is not None
    assert (result.topic, result.when_text, result.duration_minutes) == (
        "Standup",
        "every weekday 9am for 15m",
        15,
    )
