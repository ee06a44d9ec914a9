"""Serve any ASGI app on a real loopback socket with an ephemeral port.

    async with serve_asgi(app) as base_url:        # in the caller's event loop
        ...                                        # base_url == "http://127.0.0.1:<port>"

    with serve_asgi_in_thread(app) as base_url:    # own thread + loop: for sync code, and for
        ...                                        # tests that block the caller's loop

Used by tests (Slack stand-in, Zoom simulator, the bot itself) and by ``zoombot sandbox``.
The socket is bound *before* uvicorn starts, so the port is known and nothing races for
it; the context manager yields only once uvicorn reports ``started`` (after the app's
lifespan start-up, when lifespan is on), and on exit it waits for the server to stop and
closes the socket, so no listener outlives the block.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

Lifespan = Literal["auto", "on", "off"]

START_TIMEOUT_SECONDS = 10.0
# Idle connections stay open this long, as on the servers the bot meets in production (and as
# `zoombot serve` keeps them): longer than the bot's own clients keep an idle connection
# (5 s, bot/http_transport.py), so a client always retires a connection before the server
# closes it. With uvicorn's 5 s on both ends, a request sent as the server closed failed.
KEEP_ALIVE_SECONDS = 75
STOP_TIMEOUT_SECONDS = 5.0
_POLL_SECONDS = 0.005


class ServerStartError(RuntimeError):
    """The ASGI server stopped (or never got going) before it accepted connections."""


def _bind_loopback(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP makes asyncio set TCP_NODELAY on accepted connections; without it every
    # small reply waits for a delayed ACK (~40 ms on loopback).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server inside a bigger program (the sandbox runs three in one event loop; tests
    run them inside pytest): signals are the program's business, not the server's.

    uvicorn's own handling swaps in its handler for SIGINT while it serves and, on the way out,
    restores the one it found and raises the signal again. With several servers those swaps
    nest, and when the servers stop in another order than they started, a restored handler
    can be a stopped server's: Ctrl-C then stops one server and the program never hears it.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _make_server(app: ASGIApp, lifespan: Lifespan) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,
        lifespan=lifespan,
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # Keep-alive connections from test clients must not hold shutdown up for long.
        timeout_graceful_shutdown=1,
    )
    return EmbeddedServer(config)


def _base_url(host: str, sock: socket.socket) -> str:
    return f"http://{host}:{sock.getsockname()[1]}"


def _start_failure(exc: BaseException | None) -> ServerStartError:
    error = ServerStartError("ASGI server stopped before it started (see the log for the app's error)")
    error.__cause__ = exc
    return error


async def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    # uvicorn calls sys.exit(3) when the app's lifespan start-up fails. A SystemExit raised
    # inside a task escapes the event loop and would end the caller's program (or test
    # run), so it becomes an ordinary error here.
    try:
        await server.serve(sockets=[sock])
    except SystemExit as exc:
        raise _start_failure(exc) from exc


@asynccontextmanager
async def serve_asgi(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    lifespan: Lifespan = "auto",
    on_exit: Callable[[], None] | None = None,
) -> AsyncIterator[str]:
    """Run ``app`` under uvicorn in the current event loop; yield its base URL.

    ``on_exit`` runs before the server is asked to stop (e.g. to release requests that a
    fake deliberately keeps hanging, which would otherwise delay the graceful shutdown).
    """
    sock = _bind_loopback(host, port)
    server = _make_server(app, lifespan)
    task = asyncio.create_task(_serve(server, sock), name=f"asgi-server:{_base_url(host, sock)}")
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if task.done():
                task.result()  # raises the start-up failure, if it was one
                raise _start_failure(None)
            if time.monotonic() > deadline:
                raise ServerStartError(f"ASGI server did not start within {START_TIMEOUT_SECONDS:.0f}s")
            await asyncio.sleep(_POLL_SECONDS)
        yield _base_url(host, sock)
    finally:
        if on_exit is not None:
            on_exit()
        server.should_exit = True
        done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT_SECONDS)
        if not done:
            server.force_exit = True
            task.cancel()
            await asyncio.wait({task})
        if not task.cancelled():
            task.exception()  # mark as retrieved: it was logged by uvicorn or raised above
        sock.close()


@contextmanager
def serve_asgi_in_thread(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    lifespan: Lifespan = "auto",
    on_exit: Callable[[], None] | None = None,
) -> Iterator[str]:
    """Like :func:`serve_asgi` but on a daemon thread with its own event loop."""
    sock = _bind_loopback(host, port)
    server = _make_server(app, lifespan)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_serve(server, sock))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"asgi-server:{_base_url(host, sock)}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if failure or not thread.is_alive():
                thread.join(timeout=STOP_TIMEOUT_SECONDS)
                raise _start_failure(failure[0] if failure else None)
            if time.monotonic() > deadline:
                raise ServerStartError(f"ASGI server did not start within {START_TIMEOUT_SECONDS:.0f}s")
            time.sleep(_POLL_SECONDS)
        yield _base_url(host, sock)
    finally:
        if on_exit is not None:
            on_exit()
        server.should_exit = True
        thread.join(timeout=STOP_TIMEOUT_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=STOP_TIMEOUT_SECONDS)
        sock.close()
