"""Morning digests for thousands of people in one Zoom account, all due in the same minute.

    python bench/digests.py [--users 5000] [--plan pro|business] [--zoom-latency 0.1]
                            [--json digests.json] [--quick]

Every user is linked (tokens sealed in the database as a real link leaves them) and has the
digest on at the same local minute; one bot process (``python -m bot serve``) sends them.
Each digest lists the user's meetings: a Medium call, and all of them spend one Zoom
account's limit (Pro 20 a second, Business 60). The Zoom simulator enforces that plan's limit
with 429s. Reported: digests delivered (all must be), how many were the real digest and how
many a "couldn't read your meetings" notice, Zoom's 429s against the list calls made, the time
from the due minute to the last delivery, and the floor Zoom's limit sets for that time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: import the siblings

from world import (  # noqa: E402
    CLIENT_ID,
    CLIENT_SECRET,
    ROOT,
    SCOPES,
    SECRET,
    bot_env,
    child,
    email,
    free_port,
    set_zoom_latency,
    wait_healthy,
)

from bot.sandbox.slack_standin import SlackStandin  # noqa: E402
from bot.sandbox.zoom_simulator import ZoomSimulator  # noqa: E402
from bot.sandbox.zoom_simulator.limits import PLAN_LIMITS  # noqa: E402
from bot.sandbox.zoom_simulator.server import serve_simulator_in_thread  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.digests import DigestStore  # noqa: E402
from bot.store.links import LinkStore  # noqa: E402
from bot.store.migrate import upgrade_to_head  # noqa: E402
from bot.store.vault import TokenVault  # noqa: E402

ACCOUNT = "bench-digest-account"
TEAM = "T0STANDIN"
LIST = "GET /v2/users/{userId}/meetings"
ZONES = ("UTC", "Etc/GMT+12", "Etc/GMT-14")  # UTC, the first zone of a day and the last


def weekday_plan(now: datetime) -> tuple[int, ZoneInfo]:
    """Whole days to move the bot's clock ahead (0 when possible) and a zone where it is then
    a weekday, with the next few minutes in the same day. From Saturday 12:00 to Sunday
    10:00 UTC no zone is on a weekday, so the bot runs a day or two ahead
    (``bench/bot_days_ahead.py``)."""
    for days in range(4):
        for name in ZONES:
            local = (now + timedelta(days=days)).astimezone(ZoneInfo(name))
            if local.weekday() < 5 and (local + timedelta(minutes=10)).date() == local.date():
                return days, ZoneInfo(name)
    raise AssertionError("four days in a row include a weekday in UTC")


async def seed(
    url: str, key: str, sim: ZoomSimulator, users: list[str], due: dt_time, zone: str, now: datetime
) -> None:
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database.from_url(url)
    links, digests = LinkStore(db, TokenVault([key])), DigestStore(db)
    try:
        for user in users:
            zoom_user = sim.user(email(user))
            grant = sim.issue_grant(
                grant_type="authorization_code",
                client_id=CLIENT_ID,
                account_id=ACCOUNT,
                user=zoom_user,
                scopes=frozenset(SCOPES),
            )
            await links.save_new_link(
                TEAM,
                user,
                zoom_user_id=zoom_user.id,
                zoom_email=zoom_user.email,
                zoom_account_id=ACCOUNT,
                scopes=SCOPES,
                access_token=grant.access_token,
                refresh_token=grant.refresh_token or "",
                access_expires_at=now + timedelta(minutes=55),  # by the bot's clock
            )
            await digests.enable(TEAM, user, at=due, tz_name=zone, send_empty=True)
    finally:
        await db.dispose()


def run(args: argparse.Namespace) -> dict[str, Any]:
    users = [f"U{i:05d}" for i in range(args.users)]
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(TemporaryDirectory()))
        sim = ZoomSimulator()  # each account gets its plan's per-second limits
        sim.add_account(ACCOUNT, plan=args.plan)
        standin = SlackStandin(SECRET)
        for user in users:
            standin.add_user(user, user.lower(), email(user), tz="UTC")
            sim.add_user(email(user), user, "Bench", account_id=ACCOUNT, timezone="UTC")
        zoom_url = stack.enter_context(serve_simulator_in_thread(sim))
        stack.enter_context(standin.serve_in_thread())
        port = free_port()
        sim.add_app(CLIENT_ID, CLIENT_SECRET, f"http://127.0.0.1:{port}/zoom/oauth/callback", SCOPES)
        env = {**bot_env(tmp / "bot.db", standin.api_url, zoom_url, port), "ZOOM_PLAN": args.plan}

        days, zone = weekday_plan(datetime.now(UTC))
        shift = timedelta(days=days)

        def bot_now() -> datetime:  # the bot's clock: due times and token expiry are on it
            return datetime.now(UTC) + shift

        now = bot_now()
        # Far enough ahead for the seeding (about a hundred links a second) and the start;
        # --quick makes them due this minute, so the worker's first round sends them.
        lead = timedelta(minutes=1, seconds=len(users) / 50)
        due_at = (now if args.quick else now + lead + timedelta(minutes=1)).replace(second=0, microsecond=0)
        local_due = due_at.astimezone(zone)
        started_seeding = time.perf_counter()
        asyncio.run(
            seed(
                env["DATABASE_URL"], env["TOKEN_ENCRYPTION_KEY"], sim, users, local_due.time(), str(zone), now
            )
        )
        seeded_s = time.perf_counter() - started_seeding
        if not args.quick and bot_now() >= due_at:
            raise RuntimeError("seeding took past the due minute; use fewer --users")
        set_zoom_latency(sim, args.zoom_latency)
        ims = {standin.dm_channel(user): user for user in users}  # the DMs the bot will open

        launch = [str(ROOT / "bench" / "bot_days_ahead.py"), "--days", str(days)] if days else ["-m", "bot"]
        bot = stack.enter_context(child([sys.executable, *launch, "serve", "--port", str(port)], env))
        wait_healthy(f"http://127.0.0.1:{port}", time.perf_counter())
        peak_rss = 0
        deadline = due_at + timedelta(seconds=args.timeout)
        while bot_now() < deadline:
            peak_rss = max(peak_rss, bot.memory_info().rss)
            if len(delivered(standin, ims)) >= len(users):
                break
            time.sleep(0.5)
        finished = bot_now()
        notes = delivered(standin, ims)
        calls = sim.stats.get(LIST, 0)
        refused = sim.qps.refused.get("Medium", 0)
        limit = PLAN_LIMITS[args.plan]["Medium"]
        return {
            "users": len(users),
            "plan": args.plan,
            "zoom_latency_ms": args.zoom_latency * 1000,
            "bot_days_ahead": days,
            "seeded_s": seeded_s,
            "delivered": len(notes),
            "digests": sum(1 for text in notes.values() if "couldn't" not in text.lower()),
            "trouble_notices": sum(1 for text in notes.values() if "couldn't" in text.lower()),
            "list_calls": calls,
            "zoom_429s": refused,
            "zoom_429_share": refused / calls if calls else 0.0,
            "seconds_to_last": (finished - due_at).total_seconds(),
            "zoom_floor_s": len(users) / limit,
            "peak_rss_mb": peak_rss / 2**20,
        }


def delivered(standin: SlackStandin, ims: dict[str, str]) -> dict[str, str]:
    """The first DM each user got from the bot, by user."""
    first: dict[str, str] = {}
    for message in standin.messages:
        user = ims.get(message.channel)
        if message.kind == "post" and user and user not in first:
            first[user] = message.text or ""
    return first


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--plan", choices=sorted(PLAN_LIMITS.keys() - {"basic"}), default="pro")
    parser.add_argument("--zoom-latency", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds after the due minute")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="20 users, due at once: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.users, args.timeout = 20, 120.0
    r = run(args)
    print(
        f"{r['users']:,} digests due in one minute, one Zoom account on {r['plan']} "
        f"(Zoom {r['zoom_latency_ms']:.0f} ms): delivered {r['delivered']:,} "
        f"({r['digests']:,} digests, {r['trouble_notices']:,} 'couldn't read' notices); "
        f"Zoom 429s {r['zoom_429s']:,} of {r['list_calls']:,} list calls ({100 * r['zoom_429_share']:.2f}%); "
        f"last delivered {r['seconds_to_last']:,.0f} s after the due minute "
        f"(Zoom's limit allows no less than {r['zoom_floor_s']:,.0f} s); peak RSS {r['peak_rss_mb']:.0f} MB"
    )
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
