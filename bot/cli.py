"""The `zoombot` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("bot.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zoombot", description="Run Zoom from Slack.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="HTTP mode: one ASGI server for every route")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 3000")

    socket = sub.add_parser("socket", help="Socket Mode; still serves the Zoom routes and /healthz")
    socket.add_argument("--host", default="127.0.0.1")
    socket.add_argument("--port", type=int, default=None)

    # Listed for --help; `main` hands `sandbox` to bot.sandbox.cli before any settings are read.
    sub.add_parser("sandbox", help="offline try-out: Zoom simulator and Slack stand-in", add_help=False)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_sub.add_parser("upgrade", help="apply migrations to DATABASE_URL")
    db_sub.add_parser("rotate-key", help="re-encrypt every stored token under the newest key")

    sub.add_parser("keygen", help="print a fresh TOKEN_ENCRYPTION_KEY")

    manifest = sub.add_parser("manifest", help="print the Slack app manifest")
    manifest.add_argument("--url", required=True, help="public base URL, e.g. https://bot.example.com")
    manifest.add_argument("--socket", action="store_true", help="Socket Mode variant (no request URLs)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:
        gc.enable()  # whichever way `serve` ended (see below)


def _main(argv: Sequence[str] | None) -> int:
    # `zoombot sandbox` has its own options and never reads .env or the environment's settings.
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sandbox"]:
        from bot.sandbox.cli import main as sandbox_main

        return sandbox_main(arguments[1:])
    args = _parser().parse_args(argv)
    if args.command in ("serve", "socket"):
        # Start-up creates most of the objects a server keeps for good (modules, classes, the
        # app), and the cyclic collector would scan them over and over while they are built:
        # ~0.2 s of a ~1.3 s start. It stays off until ``_serve`` freezes what exists then
        # (later collections skip it) and turns it back on.
        gc.disable()
    from bot.settings import ConfigError

    try:
        return _run(args)
    except ConfigError as exc:
        print(f"zoombot: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "keygen":
        from bot.store.vault import generate_key

        print(generate_key())
        return 0
    if args.command == "manifest":
        from bot.manifest import render_manifest

        try:
            print(render_manifest(args.url, socket_mode=args.socket), end="")
        except ValueError as exc:
            print(f"zoombot: {exc}", file=sys.stderr)
            return 2
        return 0

    from bot.settings import load_settings

    settings = load_settings()
    _configure_logging(settings)
    if args.command == "db":
        return _db(args.db_command, settings)
    if args.command in ("serve", "socket"):
        settings.require(args.command)
        return _serve(settings, args.host, args.port or settings.PORT, socket_mode=args.command == "socket")
    raise AssertionError(f"unhandled command {args.command}")


def _configure_logging(settings: Settings) -> None:
    from bot.logs import configure_logging

    secrets = [
        s
        for s in (
            settings.SLACK_SIGNING_SECRET,
            settings.SLACK_BOT_TOKEN,
            settings.SLACK_CLIENT_SECRET,
            settings.SLACK_APP_TOKEN,
            settings.ZOOM_CLIENT_SECRET,
            settings.ZOOM_WEBHOOK_SECRET_TOKEN,
            *settings.TOKEN_ENCRYPTION_KEY,
        )
        if s
    ]
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT, secrets)


def _db(command: str, settings: Settings) -> int:
    from bot.store.migrate import upgrade_to_head

    if command == "upgrade":
        upgrade_to_head(settings.DATABASE_URL)
        print("database is at the newest schema")
        return 0
    if command == "rotate-key":
        settings.require("rotate-key")
        from bot.store.db import Database
        from bot.store.rotate import rotate_keys
        from bot.store.vault import TokenVault

        async def rotate() -> int:
            db = Database.from_url(settings.DATABASE_URL)
            try:
                return await rotate_keys(db, TokenVault(list(settings.TOKEN_ENCRYPTION_KEY)))
            finally:
                await db.dispose()

        upgrade_to_head(settings.DATABASE_URL)
        count = asyncio.run(rotate())
        print(f"re-encrypted {count} stored secrets under the newest key")
        return 0
    raise AssertionError(command)


# asyncio's own event loop, not uvloop (uvicorn's "auto" pick). Under a flood (bench/flood.py,
# 2,000 commands a second at one process) uvloop left the listen socket's accept queue near
# full for the whole flood (thousands of kernel listen overflows): requests sent in the first
# seconds were accepted ~10 s later, ack p99 6.9–10.7 s. On asyncio's loop the same flood
# acked at p99 ~0.4 s, max ~0.6 s, with no overflows; at a steady 100/s the CPU per command is
# within the benchmark's noise of uvloop's.
EVENT_LOOP = "asyncio"


def _serve(settings: Settings, host: str, port: int, *, socket_mode: bool) -> int:
    import uvicorn

    from bot.compose import Bot, build_bot
    from bot.web import create_web_app

    # Migrations run at start-up inside the app (Runtime.start), retried while the database is
    # unreachable, so the process still serves /healthz (503) instead of crashing.
    async def factory() -> Bot:
        return await build_bot(settings, socket_mode=socket_mode)

    app = create_web_app(factory)
    # Everything imported and built so far lives as long as the process: out of the
    # collector's sight for good, and collection back on for what requests create.
    gc.freeze()
    gc.enable()
    log.info("zoombot listening on http://%s:%d (%s mode)", host, port, "socket" if socket_mode else "HTTP")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        loop=EVENT_LOOP,
        timeout_keep_alive=settings.HTTP_KEEP_ALIVE_SECONDS,
    )
    return 0
