"""Any command text: a 200 ack and a readable reply, never a 5xx, never an unescaped mention."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import mrkdwn_texts
from tests.kit.checked_world import checked_world

WORDS = st.sampled_from(
    [
        "new",
        "schedule",
        "list",
        "show",
        "move",
        "cancel",
        "remind",
        "reminders",
        "digest",
        "recordings",
        "me",
        "help",
        "users",
        "user",
        "link",
        "tomorrow",
        "3pm",
        "for",
        "45m",
        "<!channel>",
        "<@U0BOB>",
        "&amp;",
        "&lt;",
        "812 3456 7890",
        '"Design review"',
        "\u202e",
        "\x00",
        "#general",
        "<#C0GENERAL|general>",
    ]
)
COMMANDS = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=8).map(" ".join),
)


def test_any_text_gets_an_ack_and_a_reply(tmp_path: Path) -> None:
    async def scenario(texts: list[str]) -> None:
        data_dir = tmp_path / f"run{abs(hash(tuple(texts)))}"
        data_dir.mkdir(exist_ok=True)
        async with checked_world(data_dir) as world:
            await world.link("alice")
            for text in texts:
                before = len(world.standin.messages), len(world.standin.views)
                response = await world.driver.slash("U0ALICE", "C0GENERAL", text)
                assert response.status_code == 200, (text, response.text)
                acked_with_reply = bool(response.content) and "text" in response.json()
                if not acked_with_reply:  # then a message follows, or a form (bare `schedule`)
                    await world.standin.wait_for(
                        lambda b=before: (len(world.standin.messages), len(world.standin.views)) != b or None,
                        timeout=20,
                    )
            await asyncio.sleep(0.3)
            for text in mrkdwn_texts(world):
                assert "<!channel>" not in text and "<@U0BOB>" not in text
                assert "Traceback" not in text

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(COMMANDS, min_size=1, max_size=6))
    @example(["schedule"])  # answered with a form, not a message
    def check(texts: list[str]) -> None:
        asyncio.run(scenario(texts))

    check()
