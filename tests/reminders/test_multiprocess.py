"""Several real worker processes on one database and one Slack stand-in: every reminder exactly once."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox.devserver import serve_asgi
from bot.sandbox.slack_standin import SLACK_POST_LIMIT, SlackStandin
from bot.store.db import Database
from bot.store.reminders import ReminderStore
from tests.reminders.helpers import OWNER, TEAM, add_reminder, reminder_ids_posted, statuses
from tests.reminders.processes import start_worker, workers


@pytest.fixture
async def limited_standin() -> AsyncIterator[SlackStandin]:
    """A stand-in that enforces Slack's ~1 post per second per channel (429 + Retry-After)."""
    slack = SlackStandin("test-signing-secret", team_id=TEAM, post_rate_limit=SLACK_POST_LIMIT)
    slack.add_user(OWNER, "owner", "owner@example.com")
    for n in range(100):
        slack.add_channel(f"C{n:04d}", f"channel-{n}")
    async with slack.serve():
        yield slack


async def wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def test_three_processes_post_200_reminders_each_exactly_once(
    db_url: str, limited_standin: SlackStandin
) -> None:
    db = Database.from_url(db_url)
    try:
        store = ReminderStore(db)
        now = datetime.now(UTC)
        ids = []
        for n in range(200):
            # Due over the next 3 seconds, two per channel, in 100 channels.
            starts = now + timedelta(minutes=10, seconds=3 * n / 200)
            ids.append((await add_reminder(store, starts=starts, channel=f"C{n % 100:04d}")).id)
        # Nothing dies here, so the lease only has to outlast the slowest delivery on a busy
        # machine: a lease that runs out mid-post would let a second process post again.
        # Nor may Slack's answer be given up on: a post whose answer timed out is posted again
        # (the documented at-least-once window), so the Slack timeout is generous too.
        async with workers(
            3, db_url, limited_standin.api_url, limited_standin.bot_token, lease=60.0, slack_timeout=15.0
        ):

            async def all_sent() -> bool:
                return set((await statuses(db)).values()) == {"sent"}

            await wait_until(all_sent, timeout=120, what="every reminder to be sent")
            await asyncio.sleep(0.5)  # time for any (wrong) second post to show up
        posted = Counter(reminder_ids_posted(limited_standin))
        assert sorted(posted) == sorted(ids)
        assert max(posted.values()) == 1, [rid for rid, n in posted.items() if n > 1]
        # Three processes raced for the same channels, yet the limit was respected: refused posts
        # (429) came back later instead of being lost or repeated.
        refused = [c for c in limited_standin.calls_to("chat.postMessage") if c.status == 429]
        assert len(limited_standin.calls_to("chat.postMessage")) == 200 + len(refused)
    finally:
        await db.dispose()


class HangingProxy:
    """Forwards the first ``forward`` chat.postMessage calls to the stand-in, then never answers."""

    def __init__(self, target_api_url: str, forward: int) -> None:
        self.target = target_api_url
        self.forward = forward
        self.forwarded_ids: list[int] = []
        self.hanging = 0
        self.release = asyncio.Event()
        self.app = Starlette(routes=[Route("/api/{method}", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> Response:
        method = request.path_params["method"]
        body = await request.body()
        if method == "chat.postMessage" and len(self.forwarded_ids) >= self.forward:
            self.hanging += 1
            await self.release.wait()
            return Response(status_code=503)
        if method == "chat.postMessage":
            self.forwarded_ids.append(int(json.loads(body)["metadata"]["event_payload"]["reminder_id"]))
        headers = {k: v for k, v in request.headers.items() if k in ("authorization", "content-type")}
        async with httpx.AsyncClient() as client:
            answer = await client.post(self.target + method, content=body, headers=headers)
        return Response(answer.content, status_code=answer.status_code, media_type="application/json")


async def test_a_process_killed_while_holding_claims_loses_nothing(
    db_url: str, limited_standin: SlackStandin, tmp_path: object
) -> None:
    db = Database.from_url(db_url)
    proxy = HangingProxy(limited_standin.api_url, forward=5)
    try:
        store = ReminderStore(db)
        now = datetime.now(UTC)
        ids = [
            (await add_reminder(store, starts=now + timedelta(minutes=10), channel=f"C{n % 10:04d}")).id
            for n in range(40)
        ]
        async with serve_asgi(proxy.app, lifespan="off", on_exit=proxy.release.set) as proxy_url:
            victim = await start_worker(
                db_url, f"{proxy_url}/api/", limited_standin.bot_token, owner="victim"
            )
            try:

                async def stuck_with_claims() -> bool:
                    return proxy.hanging >= 3

                await wait_until(stuck_with_claims, timeout=60, what="the victim to hang mid-delivery")
                held = [s for s in (await statuses(db)).values() if s == "sending"]
                assert held, "the victim must hold claims when it dies"
                victim.kill()
            finally:
                await victim.stop()
            assert victim.process.returncode == -9
            # The survivors take over the victim's claims when its lease (3 s, kept in each row)
            # runs out; their own claims get a lease (and Slack answers a timeout) long enough that
            # a slow post is never taken over by the other survivor or posted twice.
            async with workers(
                2, db_url, limited_standin.api_url, limited_standin.bot_token, lease=60.0, slack_timeout=15.0
            ):

                async def all_sent() -> bool:
                    return set((await statuses(db)).values()) == {"sent"}

                await wait_until(all_sent, timeout=120, what="survivors to deliver after the lease")
                await asyncio.sleep(0.5)
        posted = Counter(reminder_ids_posted(limited_standin))
        assert sorted(posted) == sorted(ids)  # nothing lost
        # A duplicate is only possible for a post Slack accepted before the kill (the documented window).
        duplicates = {rid for rid, n in posted.items() if n > 1}
        assert duplicates <= set(proxy.forwarded_ids)
    finally:
        await db.dispose()
