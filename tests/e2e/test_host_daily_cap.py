"""Zoom's 100 meeting creates + updates a day per host, through signed `/zoom new` requests: the
bot counts them in its database and answers the 101st itself, saying it did not ask Zoom."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.zoom_simulator import ManualClock
from bot.store.host_writes import HostWriteStore
from bot.zoom.host_writes import DAILY_LIMIT, host_key, next_reset
from tests.e2e.conftest import alice_linked
from tests.e2e.test_commands import ALICE, reply_to, texts

CREATE = "POST /v2/users/{userId}/meetings"


async def test_the_101st_new_meeting_of_the_day_is_answered_without_asking_zoom(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with alice_linked(tmp_path, clock) as w:
        ledger = HostWriteStore(w.bot.db)
        alice, today = host_key("alice@example.com"), clock.now().date()
        # 99 creates and updates spent today already (other zoombot processes count in the same table).
        for _ in range(DAILY_LIMIT - 1):
            assert await ledger.take(alice, today, limit=DAILY_LIMIT, now=clock.now())

        made = texts(await reply_to(w, ALICE, "new Standup"))
        assert "What to do" not in made and w.sim.stats.get(CREATE, 0) == 1
        assert await ledger.used(alice, today) == DAILY_LIMIT  # the command's create was counted

        refused = texts(await reply_to(w, ALICE, "new Retro"))
        assert "zoombot did not send this request to Zoom" in refused
        assert "100 meeting creates and changes a day" in refused
        assert f"<!date^{int(next_reset(clock.now()).timestamp())}^" in refused  # when to try again
        assert w.sim.stats.get(CREATE, 0) == 1  # the 101st never reached Zoom
