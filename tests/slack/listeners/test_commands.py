"""The `/zoom` listener, called as Bolt calls it: the port in the context, Slack's ack and response_url
stood in for at the network edge."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import SlackDeps
from bot.slack.listeners.commands import zoom_command
from tests.kit.slack_deps import ALICE, GENERAL, TEAM, Ack, SlackSide, bolt_context

UNUSED_CLIENT = AsyncWebClient(token="xoxb-unit", base_url="http://127.0.0.1:9/")  # noqa: S106


def slash(slack: SlackSide, text: str) -> dict[str, str]:
    return {
        "command": "/zoom",
        "text": text,
        "team_id": TEAM,
        "user_id": ALICE,
        "channel_id": GENERAL,
        "response_url": slack.response_url(),
    }


def counted(deps: SlackDeps, subcommand: str, outcome: str) -> bool:
    return f'zoombot_commands_total{{outcome="{outcome}",subcommand="{subcommand}"}} 1.0' in (
        deps.metrics.render().decode()
    )


async def test_unreadable_input_is_answered_in_the_ack_and_does_nothing_else(
    deps: SlackDeps, slack: SlackSide
) -> None:
    ack = Ack()
    await zoom_command(ack, slash(slack, "frobnicate"), UNUSED_CLIENT, bolt_context(deps))
    [answer] = ack.calls
    assert "I don't know `/zoom frobnicate`" in str(answer["blocks"])
    assert slack.replies == [] and deps.commands.admitted == 0
    assert counted(deps, "usage", "usage")


async def test_a_full_process_says_busy_in_the_ack(deps: SlackDeps, slack: SlackSide) -> None:
    taken = 0
    while deps.commands.try_admit():  # fill every working and waiting place
        taken += 1
    ack = Ack()
    await zoom_command(ack, slash(slack, "list"), UNUSED_CLIENT, bolt_context(deps))
    [answer] = ack.calls
    assert "zoombot is very busy" in str(answer["blocks"])
    assert deps.commands.admitted == taken and slack.replies == []
    assert counted(deps, "ListMeetings", "busy")


async def test_a_command_acks_at_once_then_replies_on_the_response_url(
    deps: SlackDeps, slack: SlackSide
) -> None:
    ack = Ack()
    await zoom_command(ack, slash(slack, "help"), UNUSED_CLIENT, bolt_context(deps))
    assert ack.calls == [{}]
    [reply] = slack.replies  # delivered before the listener returns
    assert "replace_original" not in reply and "isn't linked yet" in reply["text"]
    assert deps.commands.admitted == 0 and counted(deps, "Help", "ok")
