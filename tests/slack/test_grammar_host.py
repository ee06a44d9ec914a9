"""`host @person` on `/zoom schedule` and `/zoom list`, and `/zoom schedulers`, as Slack sends them."""

from __future__ import annotations

import pytest

from bot.slack.grammar import HostRef, ListMeetings, ListSchedulers, Schedule
from bot.slack.hints import USAGE, UsageError
from bot.slack.subcommands import parse_command

DANA = HostRef("@dana", slack_user_id="U0DANA")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'schedule "Board sync" tomorrow 3pm for 45m host <@U0DANA|dana>',
            Schedule("Board sync", "tomorrow 3pm", 45, DANA),
        ),
        (
            'schedule "Board sync" tomorrow 3pm HOST <@U0DANA|dana>',
            Schedule("Board sync", "tomorrow 3pm", None, DANA),
        ),
        (
            "schedule Board sync tomorrow 3pm host <@U0DANA>",
            Schedule("Board sync", "tomorrow 3pm", None, HostRef("@U0DANA", slack_user_id="U0DANA")),
        ),
        (
            'schedule "Board sync" tomorrow 3pm for 1h host <mailto:dana@corp.com|dana@corp.com>',
            Schedule("Board sync", "tomorrow 3pm", 60, HostRef("dana@corp.com", email="dana@corp.com")),
        ),
        (
            'schedule "Board sync" tomorrow 3pm host dana@corp.com',
            Schedule("Board sync", "tomorrow 3pm", None, HostRef("dana@corp.com", email="dana@corp.com")),
        ),
        # "host" inside a topic is a topic word, not a host clause.
        ('schedule "Meet the host" tomorrow 3pm', Schedule("Meet the host", "tomorrow 3pm", None)),
        ("schedule Host training tomorrow 3pm", Schedule("Host training", "tomorrow 3pm", None)),
        ("list host <@U0DANA|dana>", ListMeetings("week", DANA)),
        ("list today host <@U0DANA|dana>", ListMeetings("today", DANA)),
        (
            "list tomorrow host dana@corp.com",
            ListMeetings("tomorrow", HostRef("dana@corp.com", email="dana@corp.com")),
        ),
        ("schedulers", ListSchedulers()),
    ],
)
def test_host_forms(text: str, expected: object) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "subcommand", "message", "example"),
    [
        (
            'schedule "Board sync" tomorrow 3pm host',
            "schedule",
            "Say who the host is after `host`: mention them (`@dana`) or give their e-mail.",
            '/zoom schedule "Board sync" tomorrow 3pm for 45m host @dana',
        ),
        (
            "list host",
            "list",
            "Say who the host is after `host`: mention them (`@dana`) or give their e-mail.",
            "/zoom list host @dana",
        ),
        (
            'schedule "Board sync" tomorrow 3pm host @dana',
            "schedule",
            "I can't tell who `@dana` is. Pick the person from Slack's list as you type `@` so it "
            "becomes a mention, or give their e-mail address.",
            '/zoom schedule "Board sync" tomorrow 3pm for 45m host @dana',
        ),
        (
            "schedule host <@U0DANA|dana>",
            "schedule",
            "Give the meeting a topic and a time.",
            USAGE["schedule"].example,
        ),
    ],
)
def test_bad_host_clauses_get_a_usage_hint(text: str, subcommand: str, message: str, example: str) -> None:
    result = parse_command(text)
    assert isinstance(result, UsageError), result
    assert (result.subcommand, result.message, result.usage, result.example) == (
        subcommand,
        message,
        USAGE[subcommand].syntax,
        example,
    )


def test_schedulers_takes_no_arguments() -> None:
    result = parse_command("schedulers for dana")
    assert isinstance(result, UsageError) and result.subcommand == "schedulers"


def test_usage_lines_show_the_host_forms() -> None:
    assert USAGE["schedule"].syntax == (
        "/zoom schedule <topic> <when | every <days> <time>> [for <duration>] [host @person]"
    )
    assert USAGE["list"].syntax == "/zoom list [today|tomorrow|week] [host @person]"
    assert USAGE["schedulers"].syntax == "/zoom schedulers"
