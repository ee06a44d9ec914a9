"""The `zoombot` command as an operator uses it: real processes, real databases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography.fernet import Fernet

KEY = Fernet.generate_key().decode()


def base_env(database_url: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_", "TOKEN_", "DATABASE_"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "TOKEN_ENCRYPTION_KEY": KEY,
            "SLACK_SIGNING_SECRET": "cli-test-signing-secret",
            "SLACK_BOT_TOKEN": "xoxb-cli-test",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "ZOOM_CLIENT_ID": "cli-client",
            "ZOOM_CLIENT_SECRET": "cli-secret",
            "ZOOM_API_URL": "http://127.0.0.1:9/v2",
            "ZOOM_OAUTH_URL": "http://127.0.0.1:9",
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], cwd: Path) -> Iterator[tuple[str, int]]:
    """A `zoombot serve` process answering /healthz: its URL and process id."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def wait_status(url: str, status: int, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{url}/healthz", timeout=5)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_serve_migrates_and_answers_healthz(tmp_path: Path) -> None:
    env = base_env(f"sqlite+aiosqlite:///{tmp_path}/z.db")
    with serving(env, tmp_path) as (url, pid):
        response = wait_status(url, 200)
        assert response.status_code == 200 and response.json() == {"status": "ok"}
        if sys.platform == "linux":
            # Served on asyncio's own loop: under a flood uvloop left connections unaccepted
            # for seconds (bot/cli.py, EVENT_LOOP). The libraries a process mapped say which ran.
            mapped = Path(f"/proc/{pid}/maps").read_text()
            assert "uvloop" not in mapped
    assert (tmp_path / "z.db").exists()


def test_serve_closes_an_idle_connection_after_the_keep_alive_it_is_given(tmp_path: Path) -> None:
    # A load balancer reuses its connection to the bot until its own idle timeout, so the bot
    # must keep it longer (HTTP_KEEP_ALIVE_SECONDS, 75 s unless set; uvicorn's own is 5 s).
    env = base_env(f"sqlite+aiosqlite:///{tmp_path}/z.db")
    env["HTTP_KEEP_ALIVE_SECONDS"] = "2"
    with serving(env, tmp_path) as (url, _):
        wait_status(url, 200)
        host, port = url.removeprefix("http://").split(":")
        request = f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(request)
            assert whole_answer(connection).startswith(b"HTTP/1.1 200")
            time.sleep(1.0)  # idle within the 2 s: the same connection serves again
            connection.sendall(request)
            assert whole_answer(connection).startswith(b"HTTP/1.1 200")
            time.sleep(3.5)  # idle past the 2 s (and well before uvicorn's own 5 s): closed
            assert connection.recv(4096) == b""


def whole_answer(connection: socket.socket) -> bytes:
    """One /healthz answer, however the bytes arrive (headers and body may come apart)."""
    answer = b""
    while not answer.endswith(b'{"status":"ok"}'):
        chunk = connection.recv(4096)
        assert chunk, f"connection closed after {answer!r}"
        answer += chunk
    return answer


def test_serve_with_database_down_answers_503(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = base_env(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/none")
    with serving(env, tmp_path) as (url, _):
        response = wait_status(url, 503)
        assert response.status_code == 503


def test_serve_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    with serving(base_env(postgres_url), tmp_path) as (url, _):
        assert wait_status(url, 200).status_code == 200


def test_keygen_prints_a_fernet_key(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "keygen"], capture_output=True, text=True, check=True)
    Fernet(out.stdout.strip().encode())


def test_manifest_has_the_urls(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "manifest", "--url", "https://bot.example.com"],
        capture_output=True,
        text=True,
        check=True,
    )
    manifest = yaml.safe_load(out.stdout)
    assert manifest["features"]["slash_commands"][0]["url"] == "https://bot.example.com/slack/events"
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "manifest", "--url", "ftp://x"], capture_output=True, text=True
    )
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1


def test_db_upgrade_then_rotate_key(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/r.db"
    env = base_env(url)
    up = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert up.returncode == 0, up.stderr
    new_key = Fernet.generate_key().decode()
    env["TOKEN_ENCRYPTION_KEY"] = f"{new_key},{KEY}"
    rotated = subprocess.run(
        [sys.executable, "-m", "bot", "db", "rotate-key"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted 0" in rotated.stdout
    assert new_key not in rotated.stdout + rotated.stderr


def test_a_command_run_in_process_leaves_garbage_collection_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `serve` switches the cyclic collector off while it starts up; every way out turns it back on.
    import gc

    from bot.cli import main

    assert gc.isenabled()
    assert main(["keygen"]) == 0
    assert gc.isenabled()
    assert main(["manifest", "--url", "not a url"]) == 2
    assert gc.isenabled()
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "TOKEN_ENCRYPTION_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve"]) == 2  # a configuration error, after start-up began
    assert gc.isenabled()
