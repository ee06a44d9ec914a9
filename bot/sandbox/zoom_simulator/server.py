"""Serve the simulator on a real loopback socket with an ephemeral port (the sandbox's one server
factory, ``bot.sandbox.devserver``, does the serving).

    async with serve_simulator(sim) as base_url:      # in the test's event loop
        ...                                            # base_url == "http://127.0.0.1:<port>"

    with serve_simulator_in_thread(sim) as base_url:   # own thread + loop: for sync code and
        ...                                            # for tests that start other processes

``ZOOM_OAUTH_URL=base_url`` and ``ZOOM_API_URL=base_url + "/v2"`` point a bot at it.
On exit, requests hanging on a ``drop=True`` fault are released and the server stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from bot.sandbox.devserver import serve_asgi, serve_asgi_in_thread
from bot.sandbox.zoom_simulator.app import ZoomSimulator


@asynccontextmanager
async def serve_simulator(
    sim: ZoomSimulator, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    sim.hangs.rearm()
    async with serve_asgi(
        sim.app, host=host, port=port, on_exit=sim.release_hangs, lifespan="off"
    ) as base_url:
        yield base_url


@contextmanager
def serve_simulator_in_thread(sim: ZoomSimulator, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    sim.hangs.rearm()
    with serve_asgi_in_thread(
        sim.app, host=host, port=port, on_exit=sim.release_hangs, lifespan="off"
    ) as base_url:
        yield base_url
