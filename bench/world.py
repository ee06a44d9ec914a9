"""The processes the benchmark (bench/run.py) measures, all on loopback.

In this process: the Zoom simulator and the Slack stand-in (threads). As separate OS
processes: the real bot (``python -m bot serve``, real SQLite file); the two floors, the
bare Bolt app that only acks (bench/baseline_app.py) and the minimal bot
(bench/minimal_bot.py, a static Zoom token of the first user); and, when asked, the bot
again on the httpx-aiohttp package's transport (bench/bot_on_httpx_aiohttp.py, same
database). Users are linked through the real /zoom link → consent → callback flow before
any load is sent.
"""

from __future__ import annotations

import asyncio
import compileall
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlencode

import httpx
import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the `bot` package importable
    sys.path.insert(0, str(ROOT))

from bot.sandbox.slack_standin import SlackDriver, SlackStandin  # noqa: E402
from bot.sandbox.slack_standin.records import Message  # noqa: E402
from bot.sandbox.world import link_button_url  # noqa: E402
from bot.sandbox.zoom_simulator import ZoomSimulator  # noqa: E402
from bot.sandbox.zoom_simulator.server import serve_simulator_in_thread  # noqa: E402

SECRET = "bench-signing-secret"
CLIENT_ID, CLIENT_SECRET = "bench-zoom-client", "bench-zoom-secret"
SCOPES = ["user:read:user", "meeting:read:list_meetings", "meeting:write:meeting", "meeting:read:meeting"]
LIST_ROUTE = "GET /v2/users/{userId}/meetings"  # the only Zoom call `/zoom list` makes
REFRESH_KEY = "POST /oauth/token:refresh_token"


@dataclass
class Server:
    """One server process under load and where it listens."""

    process: psutil.Process
    url: str


@dataclass
class World:
    sim: ZoomSimulator
    standin: SlackStandin
    users: list[str]
    bot: psutil.Process
    bot_url: str
    baseline: psutil.Process
    baseline_url: str
    minimal: Server
    package_transport: Server | None  # the bot on httpx-aiohttp's transport, when asked for
    before: Server | None  # the bot from another checkout (before a change), when asked for
    cold_start_s: float  # `python -m bot serve` started → first /healthz 200
    bot_env: dict[str, str]  # to start more bot processes on the same database
    bot_log: Path  # the bot's stderr (log level WARNING)
    bot_command: list[str]  # how the bot is started, without the port
    floor_command: list[str]  # the minimal bot on our libraries and database: the start-up floor


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def email(user: str) -> str:
    return f"{user.lower()}@bench.example"


def wait_healthy(url: str, started: float, timeout: float = 60) -> float:
    """Seconds from ``started`` (a perf_counter reading) until ``url``/healthz answers 200."""
    with httpx.Client(timeout=1) as client:
        while True:
            try:
                if client.get(f"{url}/healthz").status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{url} did not become healthy within {timeout} s")
            time.sleep(0.005)


@contextmanager
def child(
    args: list[str], env: dict[str, str] | None = None, log: Path | None = None, cwd: Path = ROOT
) -> Iterator[psutil.Process]:
    """A child process that is always stopped (politely, then not) when the block ends.

    Its stderr goes to ``log`` (if given) so its warnings can be counted afterwards."""
    with ExitStack() as stack:
        stderr = stack.enter_context(log.open("ab")) if log else subprocess.DEVNULL
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            yield psutil.Process(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def log_problems(log: Path) -> dict[str, int]:
    """WARNING/ERROR lines of a bot log, counted by logger and message (timestamps dropped).

    The bot's logging redacts secrets, so these lines are safe to print."""
    counts: Counter[str] = Counter()
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            _, _, rest = line.partition(" WARNING ") if " WARNING " in line else line.partition(" ERROR ")
            if rest:
                counts[rest[:200]] += 1
    return dict(counts.most_common(10))


def bot_env(db_path: Path, slack_api: str, zoom_url: str, port: int) -> dict[str, str]:
    # Start from a clean slate so a developer's own SLACK_/ZOOM_ settings cannot leak in.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_", "TOKEN_", "DATABASE_"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
            "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-standin-0001",
            "SLACK_API_URL": slack_api,
            "ZOOM_CLIENT_ID": CLIENT_ID,
            "ZOOM_CLIENT_SECRET": CLIENT_SECRET,
            "ZOOM_REDIRECT_URI": f"http://127.0.0.1:{port}/zoom/oauth/callback",
            "ZOOM_API_URL": f"{zoom_url}/v2",
            "ZOOM_OAUTH_URL": zoom_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


async def link_users(bot_url: str, standin: SlackStandin, users: list[str]) -> None:
    """Link every user through the real flow: /zoom link → consent (login_hint) → callback."""
    async with SlackDriver(bot_url, standin, SECRET) as driver, httpx.AsyncClient(timeout=30) as browser:
        for user in users:
            before = len(standin.messages)
            await driver.slash(user, "C0GENERAL", "link")

            def link_offer(seen: int = before) -> Message | None:
                return standin.messages[-1] if len(standin.messages) > seen else None

            offer = await standin.wait_for(link_offer, timeout=10)
            url = link_button_url(offer.blocks if offer is not None else None)
            if url is None:
                raise RuntimeError(f"no link offer for {user}")
            consent = await browser.get(f"{url}&{urlencode({'login_hint': email(user)})}")
            page = await browser.get(consent.headers["location"])
            if page.status_code != 200:
                raise RuntimeError(f"linking {user} failed: HTTP {page.status_code}")


def account_of(user: str, index: int, own_accounts: bool) -> str:
    """The Zoom account ``user`` belongs to: one shared, or one each (so no account's rate
    limit is neared and only the bot's own throughput is measured)."""
    return f"bench-account-{index:04d}" if own_accounts else "bench-account"


def static_zoom_token(sim: ZoomSimulator, user: str, account_id: str = "bench-account") -> str:
    """An access token for ``user``'s Zoom account, issued as the consent flow would."""
    grant = sim.issue_grant(
        grant_type="authorization_code",
        client_id=CLIENT_ID,
        account_id=account_id,
        user=sim.user(email(user)),
        scopes=frozenset(SCOPES),
    )
    return grant.access_token


def start_server(
    stack: ExitStack, args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Server:
    """Start ``args`` plus ``--port N`` and wait until its /healthz answers."""
    port = free_port()
    process = stack.enter_context(child([*args, "--port", str(port)], env, cwd=cwd))
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, time.perf_counter())
    return Server(process, url)


@contextmanager
def bench_world(
    user_count: int,
    zoom_latency: float,
    *,
    package_transport: bool = False,
    before: Path | None = None,
    own_accounts: bool = False,
) -> Iterator[World]:
    """Start everything, link ``user_count`` users, then make every list call take ``zoom_latency`` s.

    ``before``: a checkout of the bot (same database schema) to run beside ours, for a
    before/after comparison on the same load. ``own_accounts``: each user in a Zoom account
    of their own (else all in one)."""
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(TemporaryDirectory()))
        sim = ZoomSimulator(qps_limit=0)  # the rate limit is not what is measured here
        standin = SlackStandin(SECRET)
        users = [f"U{i:04d}" for i in range(user_count)]
        standin.add_channel("C0GENERAL", "general")
        accounts = [account_of(user, i, own_accounts) for i, user in enumerate(users)]
        for account in dict.fromkeys(accounts):
            sim.add_account(account)
        for user, account in zip(users, accounts, strict=True):
            standin.add_user(user, user.lower(), email(user), tz="UTC")
            sim.add_user(email(user), user, "Bench", account_id=account, timezone="UTC")
        zoom_url = stack.enter_context(serve_simulator_in_thread(sim))
        stack.enter_context(standin.serve_in_thread())
        port = free_port()
        sim.add_app(CLIENT_ID, CLIENT_SECRET, f"http://127.0.0.1:{port}/zoom/oauth/callback", SCOPES)

        # As deployed: `pip install` writes the bytecode of the package it installs, so a
        # start never compiles the bot's own modules. An editable checkout has none until a
        # first run writes it, and none at all where PYTHONDONTWRITEBYTECODE is set.
        for checkout in (ROOT, before):
            if checkout is not None:
                compileall.compile_dir(checkout / "bot", quiet=1)
        # Cold start on a fresh SQLite file, so it includes creating the schema.
        env = bot_env(tmp / "bot.db", standin.api_url, zoom_url, port)
        started = time.perf_counter()
        bot_log = tmp / "bot.log"
        command = [sys.executable, "-m", "bot", "serve", "--port", str(port)]
        bot = stack.enter_context(child(command, env, bot_log))
        bot_url = f"http://127.0.0.1:{port}"
        cold_start_s = wait_healthy(bot_url, started)

        base_port = free_port()
        baseline_args = ["--port", str(base_port), "--secret", SECRET, "--slack-api-url", standin.api_url]
        baseline_args += ["--bot-token", standin.bot_token]
        baseline = stack.enter_context(
            child([sys.executable, str(ROOT / "bench" / "baseline_app.py"), *baseline_args])
        )
        baseline_url = f"http://127.0.0.1:{base_port}"
        wait_healthy(baseline_url, time.perf_counter())

        minimal_args = [sys.executable, str(ROOT / "bench" / "minimal_bot.py"), "--secret", SECRET]
        minimal_args += ["--slack-api-url", standin.api_url, "--bot-token", standin.bot_token]
        minimal_args += ["--zoom-api-url", f"{zoom_url}/v2", "--zoom-token"]
        minimal_args += [static_zoom_token(sim, users[0], accounts[0])]
        minimal = start_server(stack, minimal_args)
        floor_command = [*minimal_args, "--database-url", env["DATABASE_URL"]]
        variant = None
        if package_transport:  # the same bot, database and settings; only the transport differs
            variant_args = [sys.executable, str(ROOT / "bench" / "bot_on_httpx_aiohttp.py"), "serve"]
            variant = start_server(stack, variant_args, env)
        earlier = None
        if before is not None:
            earlier_env = {**env, "PYTHONPATH": str(before)}
            earlier = start_server(stack, [sys.executable, "-m", "bot", "serve"], earlier_env, cwd=before)

        asyncio.run(link_users(bot_url, standin, users))
        set_zoom_latency(sim, zoom_latency)
        yield World(
            sim,
            standin,
            users,
            bot,
            bot_url,
            baseline,
            baseline_url,
            minimal,
            variant,
            earlier,
            cold_start_s,
            env,
            bot_log,
            command,
            floor_command,
        )


def set_zoom_latency(sim: ZoomSimulator, seconds: float) -> None:
    """From now on every meeting list call takes ``seconds`` (replacing any earlier latency)."""
    sim.clear_faults()
    sim.inject(LIST_ROUTE, latency=seconds, times=10**9)


def wait_until_idle(proc: psutil.Process, window: float = 0.3, limit: float = 300.0) -> float:
    """Let the bot finish work still owed to earlier load (replies, retries) before the next
    point starts: wait until it uses under 10% of a CPU over ``window`` seconds. Returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = sum(proc.cpu_times()[:2])
        time.sleep(window)
        if sum(proc.cpu_times()[:2]) - before < 0.1 * window:
            break
    return time.monotonic() - started
