"""serve_asgi / serve_asgi_in_thread: real uvicorn on loopback, started before yield, gone after."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.sandbox.devserver import ServerStartError, serve_asgi, serve_asgi_in_thread


def hello_app(events: list[str] | None = None) -> Starlette:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"hello from {request.url.port}")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if events is not None:
            events.append("startup")
        yield
        if events is not None:
            events.append("shutdown")

    return Starlette(routes=[Route("/", hello)], lifespan=lifespan)


def port_is_listening(base_url: str) -> bool:
    parts = urlsplit(base_url)
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((parts.hostname or "", parts.port or 0)) == 0


async def test_serves_on_an_ephemeral_loopback_port_and_runs_the_lifespan() -> None:
    events: list[str] = []
    async with serve_asgi(hello_app(events)) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert events == ["startup"]
        async with httpx.AsyncClient() as client:
            response = await client.get(base_url + "/")
        assert response.text == f"hello from {urlsplit(base_url).port}"
    assert events == ["startup", "shutdown"]
    assert not port_is_listening(base_url)


async def test_two_servers_get_different_ports() -> None:
    async with serve_asgi(hello_app()) as first, serve_asgi(hello_app()) as second:
        assert first != second


async def test_failed_startup_is_an_error_not_a_system_exit() -> None:
    @asynccontextmanager
    async def broken(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("database unreachable")
        yield

    with pytest.raises(ServerStartError):
        async with serve_asgi(Starlette(lifespan=broken), lifespan="on"):
            pytest.fail("must not yield")


async def test_an_idle_keep_alive_connection_does_not_hold_shutdown() -> None:
    client = httpx.AsyncClient()
    try:
        async with serve_asgi(hello_app()) as base_url:
            await client.get(base_url + "/")  # leaves a pooled keep-alive connection open
            stopping = time.monotonic()
        assert time.monotonic() - stopping < 4.0  # not the 5 s stop timeout
        assert not port_is_listening(base_url)
    finally:
        await client.aclose()


async def test_an_idle_connection_outlives_the_bots_own_five_second_keep_alive() -> None:
    # The bot's clients retire an idle connection after 5 s; a server that closed at the same
    # moment raced them (a request sent as it closed failed), as real servers do not.
    async with serve_asgi(hello_app()) as base_url:
        parts = urlsplit(base_url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        request = f"GET / HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode()
        try:
            for pause in (6.0, 0.0):
                writer.write(request)
                await writer.drain()
                assert (await reader.readline()).startswith(b"HTTP/1.1 200")
                await reader.readuntil(f"hello from {parts.port}".encode())
                await asyncio.sleep(pause)  # idle past 5 s, then the same connection again
        finally:
            writer.close()


def test_thread_variant_serves_sync_callers_and_stops() -> None:
    before = {t.name for t in threading.enumerate()}
    with serve_asgi_in_thread(hello_app()) as base_url:
        assert httpx.get(base_url + "/").status_code == 200
    assert not port_is_listening(base_url)
    assert {t.name for t in threading.enumerate()} <= before


def test_thread_variant_reports_a_failed_startup() -> None:
    @asynccontextmanager
    async def broken(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("bad config")
        yield

    with pytest.raises(ServerStartError), serve_asgi_in_thread(Starlette(lifespan=broken), lifespan="on"):
        pytest.fail("must not yield")
