"""Start ``python -m bot.reminders.standalone`` worker processes for tests (and the benchmark)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

READY_TIMEOUT_S = 30.0


class WorkerProcess:
    def __init__(self, process: asyncio.subprocess.Process, owner: str, stats_file: Path | None) -> None:
        self.process = process
        self.owner = owner
        self.stats_file = stats_file

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, claims stay behind."""
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0


async def start_worker(
    database_url: str,
    slack_api_url: str,
    bot_token: str,
    *,
    owner: str,
    poll: float = 0.2,
    lease: float = 3.0,
    slack_timeout: float = 1.0,
    batch: int = 100,
    stats_file: Path | None = None,
) -> WorkerProcess:
    args = [
        sys.executable, "-m", "bot.reminders.standalone",
        "--database-url", database_url, "--slack-api-url", slack_api_url, "--owner", owner,
        "--poll", str(poll), "--lease", str(lease), "--slack-timeout", str(slack_timeout),
        "--batch", str(batch),
    ]  # fmt: skip
    if stats_file is not None:
        args += ["--stats-file", str(stats_file)]
    env = {**os.environ, "ZOOMBOT_SLACK_BOT_TOKEN": bot_token}
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, env=env, cwd=Path(__file__).resolve().parents[2]
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=READY_TIMEOUT_S)
    if line.strip() != b"ready":
        await process.wait()
        raise RuntimeError(f"worker {owner} did not start (exit {process.returncode})")
    return WorkerProcess(process, owner, stats_file)


@asynccontextmanager
async def workers(
    count: int, database_url: str, slack_api_url: str, bot_token: str, **options: object
) -> AsyncIterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    try:
        started += await asyncio.gather(
            *(
                start_worker(database_url, slack_api_url, bot_token, owner=f"worker-{n}", **options)  # type: ignore[arg-type]
                for n in range(count)
            )
        )
        yield started
    finally:
        await asyncio.gather(*(w.stop() for w in started))
