"""`zoombot sandbox`: the real bot, a Zoom simulator and a Slack stand-in on loopback, and a prompt.

Needs no account, no ``.env`` and no network. The bot is started exactly as
``zoombot serve`` starts it (see ``bot.sandbox.world``), with a fresh SQLite file in
``--data-dir`` and a throwaway encryption key; ``--run`` lines run without a prompt and
the exit status says whether any of them got an error reply.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.sandbox.clock import RunningClock
from bot.sandbox.session import CARD_UPDATE_SECONDS, SandboxSession, ScriptedLines
from bot.sandbox.world import ACCOUNT_ID, SIGNING_SECRET, ZOOM_CLIENT_SECRET, offline_world
from bot.sandbox.zoom_simulator.reports import seed_usage_history
from bot.settings import Settings

DEFAULT_DATA_DIR = Path(".sandbox")
DATABASE_FILE = "sandbox.db"  # never zoombot.db: --data-dir . must not touch a real database
REMINDER_POLL_SECONDS = 0.5  # reminders and digests are checked this often, so `wait` shows them at once
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoombot sandbox",
        description="Try zoombot offline: a local Zoom and Slack, the real bot, and a /zoom prompt.",
    )
    parser.add_argument(
        "--run",
        action="append",
        default=[],
        metavar="LINE",
        help='run LINE instead of prompting (repeatable), e.g. --run "/zoom link" --run "click 1"',
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"where the sandbox database lives (default: ./{DEFAULT_DATA_DIR}; recreated on each start)",
    )
    parser.add_argument("--as", dest="user", default="alice", help="start as this person (alice, bob, carol)")
    parser.add_argument(
        "--in", dest="channel", default="general", help="start in this channel (#general ...)"
    )
    parser.add_argument(
        "--account-mode",
        action="store_true",
        help="run the bot in account mode (a Server-to-Server app; alice owns the Zoom account): "
        "no linking, and the admin commands (/zoom users, usage, live)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_sandbox(
        runs=args.run,
        data_dir=args.data_dir,
        user=args.user,
        channel=args.channel,
        account_mode=args.account_mode,
    )


def run_sandbox(
    *,
    runs: Sequence[str],
    data_dir: Path,
    user: str = "alice",
    channel: str = "general",
    out: Callable[[str], None] | None = None,
    account_mode: bool = False,
) -> int:
    """Run the sandbox to completion; Ctrl-C is a normal way out (everything is stopped first)."""
    out = out or _print_line
    try:
        return asyncio.run(
            sandbox(
                runs=runs, data_dir=data_dir, user=user, channel=channel, out=out, account_mode=account_mode
            )
        )
    except KeyboardInterrupt:
        out("\nbye")
        return EXIT_OK


async def sandbox(
    *,
    runs: Sequence[str],
    data_dir: Path,
    user: str,
    channel: str,
    out: Callable[[str], None],
    clock: RunningClock | None = None,
    account_mode: bool = False,
) -> int:
    database = fresh_database(data_dir)
    forget_deployment_environment()
    _quiet_logging(())
    clock = clock or RunningClock()
    async with offline_world(
        data_dir,
        database_url=f"sqlite+aiosqlite:///{database}",
        clock=clock,
        account_mode=account_mode,
        reminder_options={
            "poll_seconds": REMINDER_POLL_SECONDS,
            "digest_seconds": REMINDER_POLL_SECONDS,
            "card_update_seconds": CARD_UPDATE_SECONDS,
        },
    ) as world:
        _quiet_logging(_secrets(world.settings))
        if account_mode:  # something for `/zoom usage` to show: two months of a team's days
            seed_usage_history(world.sim, ACCOUNT_ID, clock.now().date(), days=60)
        source = ScriptedLines(runs, out) if runs else TerminalLines()
        try:
            session = SandboxSession(
                world,
                clock=clock,
                source=source,
                out=out,
                user=user,
                channel=channel,
            )
        except LookupError as problem:
            out(f"zoombot sandbox: {problem}")
            return EXIT_USAGE
        out(f"zoombot sandbox: the real bot at {world.bot_url}, a Zoom simulator and a Slack stand-in")
        out(f"(offline, database {database}; everything stops when you leave)")
        if source.interactive:
            first = "`/zoom usage` or `/zoom new`" if account_mode else "`/zoom link`"
            out(f"Type `help` for the commands; start with {first}.")
        try:
            await session.run()
        finally:
            if isinstance(source, TerminalLines):
                source.close()
        if source.interactive:
            out("bye")
        return EXIT_FAILED if runs and session.failed else EXIT_OK


# Settings the bot (or a library under it) may read from the process environment.
_DEPLOYMENT_PREFIXES = ("SLACK_", "ZOOM_")
_DEPLOYMENT_NAMES = ("DATABASE_URL", "TOKEN_ENCRYPTION_KEY", "LOG_LEVEL", "LOG_FORMAT", "PORT")


def forget_deployment_environment() -> list[str]:
    """Drop a developer's real bot settings from this process's environment; returns their names.

    The sandbox passes every setting explicitly, but slack_bolt's ``AsyncApp`` still looks
    at ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` (and turns on its OAuth flow when both
    are set), so the values must not be there at all.
    """
    names = [n for n in os.environ if n.startswith(_DEPLOYMENT_PREFIXES) or n in _DEPLOYMENT_NAMES]
    for name in names:
        del os.environ[name]
    return names


def _print_line(line: str) -> None:
    print(line, flush=True)  # flushed: output piped to a file or `tee` keeps pace with the bot


def fresh_database(data_dir: Path) -> Path:
    """The sandbox's SQLite file, removed if left from an earlier run.

    Each run has a new encryption key and a new simulator, so old rows could only confuse.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir.resolve() / DATABASE_FILE
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def _secrets(settings: Settings) -> list[str]:
    return [
        secret
        for secret in (
            settings.SLACK_SIGNING_SECRET,
            settings.SLACK_BOT_TOKEN,
            settings.ZOOM_CLIENT_SECRET,
            settings.ZOOM_WEBHOOK_SECRET_TOKEN,
            *settings.TOKEN_ENCRYPTION_KEY,
        )
        if secret
    ]


def _quiet_logging(extra_secrets: Sequence[str]) -> None:
    """Only warnings reach the terminal (stderr), redacted like the bot's own logs."""
    from bot.logs import configure_logging

    configure_logging("WARNING", "text", [SIGNING_SECRET, ZOOM_CLIENT_SECRET, *extra_secrets])


class TerminalLines:
    """Lines typed at the terminal (or piped in), read on a daemon thread so the servers keep
    running meanwhile and a pending read never holds the process open after Ctrl-C.

    At a terminal, ``input()`` gives line editing and history. Piped input is read with
    ``os.read`` instead: a daemon thread blocked inside ``sys.stdin``'s buffered reader
    would take its lock to interpreter shutdown and crash it.
    """

    def __init__(self) -> None:
        self._at_terminal = sys.stdin.isatty() and sys.stdout.isatty()
        self._piped = None if self._at_terminal else _RawLines(sys.stdin.fileno())
        self._terminal_modes: list[Any] | None = None
        if self._at_terminal:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401 - line editing and history for input()
            with contextlib.suppress(ImportError, OSError):
                import termios

                self._terminal_modes = termios.tcgetattr(sys.stdin.fileno())

    def close(self) -> None:
        """Give the terminal back as it was: leaving (Ctrl-C) during a read would otherwise leave
        it in readline's no-echo mode."""
        if self._terminal_modes is not None:
            with contextlib.suppress(ImportError, OSError):
                import termios

                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._terminal_modes)

    @property
    def interactive(self) -> bool:
        return True

    async def read(self, prompt: str) -> str | None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str | None] = loop.create_future()

        def deliver(line: str | None) -> None:
            if not answer.done():
                answer.set_result(line)

        def read_line() -> None:
            line = self._read_blocking(prompt)
            with contextlib.suppress(RuntimeError):  # the loop is gone: the sandbox already stopped
                loop.call_soon_threadsafe(deliver, line)

        threading.Thread(target=read_line, name="sandbox-prompt", daemon=True).start()
        return await answer

    def _read_blocking(self, prompt: str) -> str | None:
        if self._piped is None:
            try:
                return input(prompt)
            except EOFError:
                print(flush=True)  # Ctrl-D leaves the cursor after the prompt
                return None
        print(prompt, end="", flush=True)
        line = self._piped.readline()
        # Nothing echoes piped input: print it, so the output reads as a transcript.
        print("" if line is None else line, flush=True)
        return line


class _RawLines:
    """Unbuffered line reading from a file descriptor (see :class:`TerminalLines`)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""
        self._ended = False

    def readline(self) -> str | None:
        while b"\n" not in self._buffer and not self._ended:
            chunk = os.read(self._fd, 4096)
            self._ended = not chunk
            self._buffer += chunk
        if not self._buffer:
            return None
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8", errors="replace").rstrip("\r")


if __name__ == "__main__":
    raise SystemExit(main())
