"""The README's "scheduling for someone else" sandbox example works as written."""

from __future__ import annotations

import re
from pathlib import Path

from bot.sandbox.zoom_simulator import ManualClock
from tests.kit.checked_world import checked_world
from tests.sandbox.test_sandbox_session import POLL, START, Terminal, Typist

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> list[str]:
    """The typed lines of the README's ```text block that uses `host @alice`."""
    for block in re.findall(r"^```text\n(.*?)^```", README.read_text(), flags=re.MULTILINE | re.DOTALL):
        if "host @alice" in block:
            return [m.group(1) for m in re.finditer(r"^@\w+ in #[\w-]+> (.+)$", block, flags=re.MULTILINE)]
    raise AssertionError("README.md has no sandbox example with `host @alice`")


async def test_readme_example_schedules_for_alice_as_bob(tmp_path: Path) -> None:
    lines = readme_example()
    assert lines[0] == "as bob" and any("host @alice" in line for line in lines)
    clock = ManualClock(START)
    async with checked_world(tmp_path, clock=clock, reminder_options={"poll_seconds": POLL}) as world:
        terminal = Terminal(world, clock, Typist())
        printed = [await terminal.type(line) for line in lines]
        assert not terminal.session.failed, "\n".join(printed)
        output = "\n".join(printed)
        assert "Scheduled for alice@example.com (they are the host)." in output
        assert "== alice@example.com's meetings in the next 7 days ==" in output
        assert "== You can schedule for ==\n  • alice@example.com" in output
        assert [m.topic for m in world.sim.meetings_of("alice@example.com")] == ["Board sync"]
