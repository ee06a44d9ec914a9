"""`zoombot sandbox` as a command: --run scripts, exit status, a polluted environment, clean exits."""

from __future__ import annotations

import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.sandbox.cli import DATABASE_FILE

REPO = Path(__file__).resolve().parents[2]
QUICK_START = ["/zoom link", "click 1", "/zoom new Standup", "/zoom list"]

# What a developer's shell and working directory may hold; none of it may reach the sandbox bot.
POLLUTED_ENV = {
    "SLACK_CLIENT_ID": "123.456",
    "SLACK_CLIENT_SECRET": "developer-slack-client-secret",
    "SLACK_APP_TOKEN": "xapp-developer-token",
    "SLACK_BOT_TOKEN": "xoxb-developer-token",
    "SLACK_API_URL": "https://slack.invalid/api/",
    "ZOOM_API_URL": "https://zoom.invalid/v2",
    "ZOOM_OAUTH_URL": "https://zoom.invalid",
    "ZOOM_ACCOUNT_ID": "developer-account",
    "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/nothing",
    "TOKEN_ENCRYPTION_KEY": "not-a-fernet-key",
    "LOG_LEVEL": "LOUD",
    "PORT": "not-a-port",
}
POLLUTED_DOTENV = "\n".join(f"{k}={v}" for k, v in POLLUTED_ENV.items()) + "\n"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The sandbox installs its own log handler; give the test runner its own back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def polluted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in POLLUTED_ENV.items():
        monkeypatch.setenv(name, value)
    (tmp_path / ".env").write_text(POLLUTED_DOTENV)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_quick_start_runs_with_a_polluted_environment(
    polluted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = polluted / "data"
    data_dir.mkdir()
    (data_dir / DATABASE_FILE).write_bytes(b"left over from an earlier run, not a database")
    (data_dir / "zoombot.db").write_bytes(b"someone's real database")

    args = ["sandbox", "--data-dir", str(data_dir)]
    for line in QUICK_START:
        args += ["--run", line]
    status = main(args)

    out = capsys.readouterr().out
    assert status == 0, out
    assert "you are @alice (America/New_York) in #general" in out
    assert "@alice in #general> /zoom link" in out  # each --run line echoed after the prompt
    assert "[browser] Zoom account linked" in out
    assert "[#general]\n  *Standup*" in out
    assert "== Your meetings in the next 7 days ==" in out
    assert ":warning:" not in out
    # The environment never got in: no secret of it shows, and nothing but loopback was used.
    for value in POLLUTED_ENV.values():
        assert value not in out
    assert (data_dir / "zoombot.db").read_bytes() == b"someone's real database"


def test_an_error_reply_makes_the_exit_status_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["sandbox", "--data-dir", str(tmp_path), "--as", "bob", "--in", "#design", "--run", "/zoom list"]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "you are @bob (Europe/Berlin) in #design" in out
    assert ":warning: *Zoom isn't linked yet*" in out


def test_users_in_user_mode_is_refused_in_our_words_not_zooms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As a new user tries it: link, then an account-only command in the default (user) mode.
    args = ["sandbox", "--data-dir", str(tmp_path), "--run", "/zoom link", "--run", "click 1"]
    status = main([*args, "--run", "/zoom users"])
    out = capsys.readouterr().out
    assert status == 1
    assert "[browser] Zoom account linked" in out
    reply = out[out.index("@alice in #general> /zoom users") :]
    assert reply.splitlines()[1:6] == [
        "[ephemeral to you]",
        "  :warning: *Couldn't list the account's users*",
        "  `/zoom users` and `/zoom user` work only when zoombot runs in account mode, and this zoombot "
        "runs in user mode (each person links their own Zoom account). So do "
        "`/zoom usage`, `/zoom live` and `/zoom audit`.",
        "    *Why:* The account's users, usage and live meetings need a token for the whole account; "
        "a personal Zoom link only ever sees its own user.",
        "  *What to do:* Whoever runs zoombot sets `ZOOM_ACCOUNT_ID` with a Zoom Server-to-Server OAuth "
        "app (README → Creating the Zoom app → Account mode). Until then, `/zoom me` shows your own "
        "Zoom user.",
    ]


def test_account_mode_shows_the_accounts_usage_and_live_meetings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = ["/zoom usage 30d", "/zoom new Standup", "meeting start", "meeting join bob", "/zoom live"]
    args = ["sandbox", "--account-mode", "--data-dir", str(tmp_path)]
    status = main([*args, *(word for line in runs for word in ("--run", line))])
    out = capsys.readouterr().out
    assert status == 0, out
    usage = out[out.index("> /zoom usage 30d") : out.index("> /zoom new Standup")]
    assert "Zoom usage: the last 30 days" in usage and "Meeting minutes" in usage and "vs before" in usage
    live = out[out.index("> /zoom live") :]
    assert "In progress now: 1 meeting" in live and "*Standup*" in live and "1 in the meeting" in live


def test_account_mode_admins_add_a_user_after_confirming_and_read_the_audit_trail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = ["/zoom user create dana@example.com licensed", "click 1", "/zoom audit"]
    args = ["sandbox", "--account-mode", "--data-dir", str(tmp_path)]
    status = main([*args, *(word for line in runs for word in ("--run", line))])
    out = capsys.readouterr().out
    assert status == 0, out
    question = out[out.index("> /zoom user create") : out.index("> click 1")]
    assert "sandbox-account" in question and "[1] Create user" in question
    assert "Zoom added" in out[out.index("> click 1") : out.index("> /zoom audit")]
    audit = out[out.index("> /zoom audit") :]
    assert "Audit trail: the last 1 action" in audit and "created user `dana@example.com` (licensed)" in audit


def test_a_usage_error_makes_the_exit_status_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["sandbox", "--data-dir", str(tmp_path), "--run", "/zoom help", "--run", "click 7"])
    out = capsys.readouterr().out
    assert status == 1
    assert "sandbox: no button [7]" in out


def test_an_unknown_person_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--data-dir", str(tmp_path), "--as", "mallory", "--run", "/zoom"]) == 2
    assert "nobody called 'mallory' here" in capsys.readouterr().out


# --- the interactive prompt, as a real process ---------------------------------------------


def ctrl_c_as_at_a_terminal() -> None:
    """In the child before it starts: Ctrl-C does what it does at a terminal. A test run started
    in the background of a script inherits SIGINT ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Sandbox:
    """``python -m bot sandbox`` with its stdin and stdout on pipes."""

    def __init__(self, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(data_dir)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=ctrl_c_as_at_a_terminal,
        )
        self.output: list[str] = []
        self._chunks: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        while chunk := self.process.stdout.read(1):
            self._chunks.put(chunk)

    def text(self) -> str:
        while not self._chunks.empty():
            self.output.append(self._chunks.get_nowait())
        return "".join(self.output)

    def wait_for(self, pattern: str, timeout: float = 90) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text())
            if match:
                return match
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError(f"{pattern!r} not seen in:\n{self.text()}")

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = 90) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self.process.kill()


def _listening(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


def test_prompt_runs_commands_and_ctrl_c_leaves_nothing_listening(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path)
    bot_url = sandbox.wait_for(r"the real bot at (http://127\.0\.0\.1:\d+)").group(1)
    sandbox.wait_for(r"you are @alice \(America/New_York\) in #general\n")
    sandbox.wait_for(r"@alice in #general> ")
    assert _listening(bot_url)
    sandbox.type("/zoom help")
    sandbox.wait_for(r"== Zoom from Slack ==[\s\S]*@alice in #general> ")
    sandbox.type("as carol")
    sandbox.wait_for(r"@carol in #general> ")

    sandbox.process.send_signal(signal.SIGINT)
    assert sandbox.finish() == 0, sandbox.text()
    assert "bye" in sandbox.text()
    assert "Traceback" not in sandbox.text()
    assert not _listening(bot_url)


def test_end_of_input_is_a_clean_exit(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path)
    bot_url = sandbox.wait_for(r"the real bot at (http://127\.0\.0\.1:\d+)").group(1)
    sandbox.wait_for(r"@alice in #general> ")
    assert sandbox.process.stdin is not None
    sandbox.process.stdin.close()
    assert sandbox.finish() == 0, sandbox.text()
    assert sandbox.text().rstrip().endswith("bye")
    assert "Traceback" not in sandbox.text()
    assert not _listening(bot_url)


def test_at_a_real_terminal_ctrl_c_gives_the_terminal_back(tmp_path: Path) -> None:
    """Under a pseudo-terminal the prompt uses input()/readline, which switches echo off while it
    reads; leaving with Ctrl-C mid-read must switch it back on."""
    import pty
    import select
    import termios

    master, terminal = pty.openpty()
    modes_before = termios.tcgetattr(terminal)[3] & (termios.ECHO | termios.ICANON)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(tmp_path)],
        cwd=REPO,
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        preexec_fn=ctrl_c_as_at_a_terminal,
    )
    screen = b""

    def read_until(pattern: bytes, timeout: float = 90) -> None:
        nonlocal screen
        deadline = time.monotonic() + timeout
        while pattern not in screen:
            assert time.monotonic() < deadline, screen.decode(errors="replace")
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                screen += os.read(master, 4096)

    try:
        read_until(b"@alice in #general> ")
        os.write(master, b"/zoom help\n")
        read_until(b"== Zoom from Slack ==")
        read_until(b"@alice in #general> ")
        time.sleep(0.2)  # the prompt's input() is now waiting inside readline
        assert termios.tcgetattr(terminal)[3] & termios.ECHO == 0
        process.send_signal(signal.SIGINT)
        read_until(b"bye")
        assert process.wait(90) == 0
        assert termios.tcgetattr(terminal)[3] & (termios.ECHO | termios.ICANON) == modes_before
    finally:
        process.kill()
        os.close(master)
        os.close(terminal)


def test_the_sandbox_reads_times_as_people_write_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ambiguous date is asked and a click answers it; words, ranges and series without
    `every` are read, and every reply says how."""
    lines = [
        "/zoom link",
        "click 1",
        '/zoom schedule "Budget" 3/4 2pm for half an hour',
        "click 2",
        "/zoom schedule Standup weekdays at 9:30 for 15 minutes 10x",
        "/zoom schedule Review tomorrow 2 to 3:30pm",
        "/zoom schedule Town hall the last thursday of the month at 4pm x3",
    ]
    args = ["sandbox", "--data-dir", str(tmp_path)]
    for line in lines:
        args += ["--run", line]
    status = main(args)
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Did you mean *" in out and "Nothing changes until you pick one" in out
    assert re.search(r"Scheduled\. _Read as \w{3} 03 Apr, 14:00–14:30 E[SD]T_", out), out
    assert "Scheduled a series: every weekday at 9:30am, 10 times" in out
    assert re.search(r"Read as \w{3} \d\d \w{3}, 14:00–15:30 E[SD]T", out), out
    assert "every month on the last Thu at 4pm, 3 times" in out
    assert ":warning:" not in out
