"""A second bot process (``python -m bot serve``) on the same settings and database as a world's bot.

Several bot processes behind one load balancer share the database and nothing else; this
starts a real one next to the world's in-process bot, so a test can send the same bytes
to both.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields
from pathlib import Path

import httpx

from bot.sandbox.world import OfflineWorld, free_port

START_TIMEOUT_S = 60.0


def settings_environment(world: OfflineWorld, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_", "LOG_"))}
    for field in fields(world.settings):
        value = getattr(world.settings, field.name)
        if value is None:
            continue
        env[field.name] = ",".join(value) if isinstance(value, tuple) else str(value)
    env["PORT"] = str(port)
    return env


@asynccontextmanager
async def sibling_bot(world: OfflineWorld, workdir: Path) -> AsyncIterator[str]:
    """Start the sibling, wait until its /healthz answers 200, yield its base URL; stop it after."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log_file = (workdir / "sibling.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(port),
        env=settings_environment(world, port), cwd=workdir, stdout=log_file, stderr=log_file,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                assert process.returncode is None, (workdir / "sibling.log").read_text()
                try:
                    if (await client.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the sibling bot did not become healthy"
                await asyncio.sleep(0.1)
        yield url
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
        log_file.close()
