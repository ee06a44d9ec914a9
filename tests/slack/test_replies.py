"""The working notice: sent once when a command is slow, never when it is quick, always
before whatever answers after it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.slack.replies import Outcome, with_working_notice

DONE = Outcome(private={"text": "done", "blocks": []})


class Channel:
    """What reached the caller, in order (the response_url is the network edge)."""

    def __init__(self, *, delay: float = 0.0, fail: bool = False) -> None:
        self.sent: list[str] = []
        self.delay = delay
        self.fail = fail

    async def respond(self, **message: Any) -> None:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise ConnectionError("Slack unreachable")
        self.sent.append(message["text"])


async def finishing_after(seconds: float, channel: Channel) -> Outcome:
    await asyncio.sleep(seconds)
    channel.sent.append("work finished")
    return DONE


async def test_quick_work_sends_no_notice() -> None:
    channel = Channel()
    assert await with_working_notice(finishing_after(0.01, channel), channel.respond, after=0.5) == (
        DONE,
        False,
    )
    await asyncio.sleep(0.6)  # the timer was cancelled: nothing arrives later either
    assert channel.sent == ["work finished"]


async def test_slow_work_sends_one_notice_first() -> None:
    channel = Channel()
    outcome, noticed = await with_working_notice(finishing_after(0.3, channel), channel.respond, after=0.05)
    assert (outcome, noticed) == (DONE, True)
    assert len(channel.sent) == 2 and channel.sent[0].startswith(":hourglass")
    assert channel.sent[1] == "work finished"


async def test_the_notice_is_delivered_before_the_outcome_returns() -> None:
    # The work ends while the notice is still on its way: the final reply must not overtake it.
    channel = Channel(delay=0.2)
    outcome, noticed = await with_working_notice(finishing_after(0.1, channel), channel.respond, after=0.05)
    assert noticed and channel.sent[-1].startswith(":hourglass")


async def test_a_failure_after_the_notice_propagates_after_it() -> None:
    channel = Channel(delay=0.1)

    async def failing() -> Outcome:
        await asyncio.sleep(0.1)
        raise RuntimeError("zoom said no")

    with pytest.raises(RuntimeError, match="zoom said no"):
        await with_working_notice(failing(), channel.respond, after=0.05)
    assert channel.sent and channel.sent[0].startswith(":hourglass")


async def test_a_notice_that_cannot_be_sent_does_not_fail_the_command() -> None:
    channel = Channel(fail=True)
    assert await with_working_notice(finishing_after(0.1, channel), channel.respond, after=0.02) == (
        DONE,
        True,
    )


async def test_the_work_runs_in_the_callers_task() -> None:
    # So the caller's deadline (asyncio.timeout around it) and cancellation reach the work.
    caller = asyncio.current_task()

    async def which_task() -> Outcome:
        assert asyncio.current_task() is caller
        return DONE

    assert await with_working_notice(which_task(), Channel().respond) == (DONE, False)
