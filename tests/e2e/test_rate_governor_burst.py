"""A burst from one Zoom account meets Zoom's limits paced, not refused: 200 commands in a second."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.sandbox.world import ACCOUNT_ID
from tests.e2e.test_commands import ALICE, GENERAL
from tests.e2e.test_throughput import final_replies, until
from tests.kit.checked_world import checked_world

BURST = 200
LIST = "GET /v2/users/{userId}/meetings"


async def test_a_burst_of_200_commands_a_second_is_paced_under_the_plans_limit(tmp_path: Path) -> None:
    # Zoom is another host: it counts a request when the bot sent it, whatever this loop is busy with.
    async with checked_world(tmp_path, zoom_in_own_thread=True) as w:
        w.sim.accounts[ACCOUNT_ID].plan = "pro"  # Zoom answers 429 past 20 lists a second
        page = await w.link("alice")
        assert page.status_code == 200, page.text
        before = len(w.standin.messages)
        await w.driver.slash(ALICE, GENERAL, "list")  # warm: the person and the token are known
        await until("the warm-up's answer", lambda: len(final_replies(w, before)) >= 1)
        since = len(w.standin.messages)

        async def one(n: int) -> int:
            await asyncio.sleep(n / BURST)  # 200 spread over one second
            ack = await w.driver.slash(ALICE, GENERAL, "list")
            return ack.status_code

        acks = await asyncio.gather(*(one(n) for n in range(BURST)))
        assert acks == [200] * BURST
        await until("every command answered", lambda: len(final_replies(w, since)) >= BURST)
        await until("every command finished", lambda: w.bot.slack.commands.admitted == 0)

        replies = final_replies(w, since)
        listed = [r for r in replies if "busy" not in r and "Try again" not in r]
        told_to_retry = [r for r in replies if "Try again in about" in r]
        assert len(listed) + len(told_to_retry) == BURST, replies[:3]
        # Zoom's own limit was met a handful of times at most: the bot paced itself.
        assert w.sim.qps.refused["Medium"] <= 5
        # It was a real limit: more lists went out than one second allows, spread over time.
        assert len(listed) > 20
        # Those told to retry were told within what a person tolerates, and nothing was sent.
        assert w.sim.stats.get(LIST, 0) - 1 <= len(listed) + w.sim.qps.refused["Medium"]
        assert all("holds back" in r for r in told_to_retry)
