"""Every time form the README's *Writing times* list and `/zoom help` show is read as shown: the
documentation lists only what works, in each of three zones."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.services.series import plan_series
from bot.services.when import read_when
from bot.slack.grammar import Schedule
from bot.slack.hints import USAGE
from bot.slack.subcommands import parse_command

REPO = Path(__file__).resolve().parents[3]
ZONES = [ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata")]


def readme_forms() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("<!-- times:start -->", 1)[1].split("<!-- times:end -->", 1)[0]
    return re.findall(r"`([^`]+)`", section)


def help_forms() -> list[str]:
    forms = re.findall(r"`([^`]+)`", USAGE["schedule"].summary)
    return [form for form in forms if form not in ("host", "until <date>", "10x")]  # clauses, not times


def check(form: str) -> None:
    text = f'schedule "Sync" tomorrow 3pm {form}' if form.startswith("for ") else f'schedule "Sync" {form}'
    command = parse_command(text)
    assert isinstance(command, Schedule), (form, command)
    for tz in ZONES:
        now = datetime(2026, 12, 4, 10, 0, tzinfo=tz)  # a Friday morning
        if command.repeat is not None:
            assert plan_series(command.repeat, now=now, tz=tz).starts
        else:
            assert read_when(command.when_text, now=now, tz=tz).start > now


def test_the_readme_lists_the_forms() -> None:
    assert len(readme_forms()) >= 40


@pytest.mark.parametrize("form", readme_forms())
def test_each_readme_form_is_read(form: str) -> None:
    check(form)


@pytest.mark.parametrize("form", help_forms())
def test_each_help_form_is_read(form: str) -> None:
    check(form)
