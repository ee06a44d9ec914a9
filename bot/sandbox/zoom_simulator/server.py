"""Serve the simulator (or any ASGI app) on a real loopback socket with an ephemeral port.

    async with serve_simulator(sim) as base_url:      # in the test's event loop
        ...                                            # base_url == "http://127.0.0.1:<port>"

    with serve_simulator_in_thread(sim) as base_url:   # own thread + loop: for sync code and
        ...                                            # for tests that start other processes

``ZOOM_OAUTH_URL=base_url`` and ``ZOOM_API_URL=base_url + "/v2"`` point a bot at it.
On exit, requests hanging on a ``drop=True`` fault are released and the server stops.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from starlette.types import ASGIApp

from bot.sandbox.devserver import EmbeddedServer
from bot.sandbox.zoom_simulator.app import ZoomSimulator

_START_TIMEOUT = 10.0


def _bound_socket(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP makes asyncio set TCP_NODELAY on accepted connections; without it every
    # small reply waits for a delayed ACK (~40 ms on loopback).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _server(app: ASGIApp) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    return EmbeddedServer(config)


@asynccontextmanager
async def serve_asgi(
    app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, on_exit: Callable[[], None] | None = None
) -> AsyncIterator[str]:
    sock = _bound_socket(host, port)
    server = _server(app)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if task.done():
                task.result()  # surfaces the start-up error
                raise RuntimeError("server stopped before it started")
            if time.monotonic() > deadline:
                raise TimeoutError("server did not start")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        if on_exit is not None:
            on_exit()
        server.should_exit = True
        try:
            await asyncio.wait_for(task, timeout=5)
        except TimeoutError:
            task.cancel()
        sock.close()


@contextmanager
def serve_asgi_in_thread(
    app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, on_exit: Callable[[], None] | None = None
) -> Iterator[str]:
    sock = _bound_socket(host, port)
    server = _server(app)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name="asgi-loopback-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if failure or not thread.is_alive():
                raise RuntimeError("server stopped before it started") from (failure[0] if failure else None)
            if time.monotonic() > deadline:
                raise TimeoutError("server did not start")
            time.sleep(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        if on_exit is not None:
            on_exit()
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@asynccontextmanager
async def serve_simulator(
    sim: ZoomSimulator, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    sim.hangs.rearm()
    async with serve_asgi(sim.app, host=host, port=port, on_exit=sim.release_hangs) as base_url:
        yield base_url


@contextmanager
def serve_simulator_in_thread(sim: ZoomSimulator, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    sim.hangs.rearm()
    with serve_asgi_in_thread(sim.app, host=host, port=port, on_exit=sim.release_hangs) as base_url:
        yield base_url
