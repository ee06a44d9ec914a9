"""Button listeners, called as Bolt calls them: the port in the context, replies on the response_url."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import SlackDeps
from bot.slack.listeners.actions import cancel_aborted, cancel_confirmed, share_summary
from tests.kit.slack_deps import Ack, SlackSide, bolt_context

UNUSED_CLIENT = AsyncWebClient(token="xoxb-unit", base_url="http://127.0.0.1:9/")  # noqa: S106


async def test_no_on_the_cancel_question_deletes_it(deps: SlackDeps, slack: SlackSide) -> None:
    ack = Ack()
    await cancel_aborted(ack, {"response_url": slack.response_url("abort")}, bolt_context(deps))
    assert ack.calls == [{}]
    assert slack.replies == [{"url": "/respond/abort", "delete_original": True}]


async def test_a_forged_cancel_button_is_refused_without_touching_zoom(
    deps: SlackDeps, slack: SlackSide
) -> None:
    ack = Ack()
    body = {"response_url": slack.response_url("forged")}
    await cancel_confirmed(ack, body, {"value": "not-a-meeting"}, UNUSED_CLIENT, bolt_context(deps))
    [reply] = slack.replies
    assert reply["replace_original"] is True and reply["text"] == "That button no longer works."


async def test_sharing_a_summary_without_live_cards_says_the_button_no_longer_works(
    deps: SlackDeps, slack: SlackSide
) -> None:
    assert deps.meeting_threads is None  # no webhook secret: no cards, no threads
    ack = Ack()
    await share_summary(
        ack, {"response_url": slack.response_url("share")}, {"value": "42"}, bolt_context(deps)
    )
    [reply] = slack.replies
    assert reply["replace_original"] is True and reply["text"] == "That button no longer works."
