"""The aiohttp-backed httpx transport over real loopback sockets.

What matters most is the error mapping: ``bot/zoom/http.py`` retries a POST only when
nothing was sent (ConnectError/ConnectTimeout), so a failure after the request left must
never look like one."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import Mapping

import httpx
import pytest

from bot.http_transport import AiohttpTransport, BareSend, SendsBare
from bot.zoom.account_tokens import StaticTokenSource
from bot.zoom.http import ZoomHttp
from tests.kit.raw_http import raw_server, read_request


def reply(status: str, body: bytes, *extra: str) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def echo_forever(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        try:
            start, headers, body = await read_request(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        payload = json.dumps({"start": start, "headers": headers, "body": body.decode()}).encode()
        writer.write(reply("200 OK", gzip.compress(payload), "Content-Encoding: gzip", "X-Zoom: yes"))
        await writer.drain()


def client(**timeouts: float) -> httpx.AsyncClient:
    timeout = httpx.Timeout(timeouts.get("all", 5.0), **{k: v for k, v in timeouts.items() if k != "all"})
    return httpx.AsyncClient(transport=AiohttpTransport(max_connections=1), timeout=timeout)


async def test_a_round_trip_keeps_method_headers_body_and_decodes_once() -> None:
    async with raw_server(echo_forever) as (url, accepted), client() as http:
        first = await http.post(f"{url}/v2/users/me/meetings?x=1", json={"topic": "Standup"})
        second = await http.get(f"{url}/v2/users/me", headers={"Authorization": "Bearer t"})
    seen = first.json()
    assert first.status_code == 200 and first.headers["x-zoom"] == "yes"
    assert seen["start"] == "POST /v2/users/me/meetings?x=1 HTTP/1.1"
    assert seen["headers"]["content-type"] == "application/json"
    assert json.loads(seen["body"]) == {"topic": "Standup"}
    assert second.json()["headers"]["authorization"] == "Bearer t"
    assert len(accepted) == 1  # the second request reused the pooled connection


async def test_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: nothing accepts
    async with client() as http:
        with pytest.raises(httpx.ConnectError):
            await http.post(f"http://127.0.0.1:{port}/x", json={})


async def test_a_server_that_hangs_up_after_the_request_is_not_a_connect_error() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)  # the request arrived; no answer

    async with raw_server(hang_up) as (url, _), client() as http:
        with pytest.raises(httpx.TransportError) as caught:
            await http.post(f"{url}/v2/users/me/meetings", json={"topic": "T"})
    assert not isinstance(caught.value, httpx.ConnectError | httpx.ConnectTimeout)
    assert isinstance(caught.value, httpx.RemoteProtocolError | httpx.ReadError)


async def test_a_silent_server_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    async with raw_server(silent) as (url, _), client(all=5.0, read=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get(f"{url}/slow")


async def test_waiting_for_a_pooled_connection_times_out_as_not_sent() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(1.0)
        writer.write(reply("200 OK", b"{}"))
        await writer.drain()

    async with raw_server(slow) as (url, accepted), client(all=5.0, pool=0.1, connect=0.1) as http:
        busy = asyncio.create_task(http.get(f"{url}/a"))  # holds the only connection
        await asyncio.sleep(0.1)
        with pytest.raises(httpx.ConnectTimeout):
            await http.post(f"{url}/b", json={})
        assert (await busy).status_code == 200
    assert len(accepted) == 1  # the second request never got a connection


def test_one_transport_serves_successive_event_loops() -> None:
    transport = AiohttpTransport()

    async def once() -> int:
        async with raw_server(echo_forever) as (url, _):
            http = httpx.AsyncClient(transport=transport)
            return (await http.get(f"{url}/ping")).status_code

    assert asyncio.run(once()) == 200
    assert asyncio.run(once()) == 200  # the first loop's session is not reused on the second


async def test_http_proxy_from_the_environment_is_used_and_no_proxy_respected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with raw_server(echo_forever) as (proxy_url, _), raw_server(echo_forever) as (direct_url, _):
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "localhost")
        async with httpx.AsyncClient(transport=AiohttpTransport()) as http:
            proxied = await http.get("http://zoom.invalid/v2/users/me")
        assert proxied.json()["start"] == "GET http://zoom.invalid/v2/users/me HTTP/1.1"
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with httpx.AsyncClient(transport=AiohttpTransport()) as http:
            direct = await http.get(f"{direct_url}/v2/users/me")
        assert direct.json()["start"] == "GET /v2/users/me HTTP/1.1"


# -- the bare sender (ZoomHttp's REST path: no httpx.Request) ---------------------------------


async def test_the_bare_sender_round_trips_like_the_transport() -> None:
    transport = AiohttpTransport(max_connections=1)
    async with raw_server(echo_forever) as (url, accepted):
        send = transport.sender(f"{url}/v2", httpx.Timeout(5.0))
        body = json.dumps({"topic": "Standup"}).encode()
        first = await send(
            "POST", f"{url}/v2/users/me/meetings?x=1", {"Content-Type": "application/json"}, body
        )
        second = await send("GET", f"{url}/v2/users/me", {"Authorization": "Bearer t"}, None)
        await transport.aclose()
    seen = first.json()  # gzip decoded once, by httpx, as through the transport
    assert first.status_code == 200 and first.headers["x-zoom"] == "yes"
    assert seen["start"] == "POST /v2/users/me/meetings?x=1 HTTP/1.1"
    assert seen["headers"]["content-type"] == "application/json"
    assert json.loads(seen["body"]) == {"topic": "Standup"}
    assert second.json()["headers"]["authorization"] == "Bearer t"
    assert second.json()["start"] == "GET /v2/users/me HTTP/1.1"
    assert len(accepted) == 1


async def test_the_bare_sender_maps_failures_as_the_transport_does() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = AiohttpTransport()
    refused = transport.sender(f"http://127.0.0.1:{port}", httpx.Timeout(5.0))
    with pytest.raises(httpx.ConnectError):
        await refused("POST", f"http://127.0.0.1:{port}/x", {}, b"{}")

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    async with raw_server(hang_up) as (url, _):
        with pytest.raises(httpx.TransportError) as caught:
            await transport.sender(url, httpx.Timeout(5.0))("POST", f"{url}/m", {}, b"{}")
    assert isinstance(caught.value, httpx.RemoteProtocolError | httpx.ReadError)
    async with raw_server(silent) as (url, _):
        with pytest.raises(httpx.ReadTimeout):  # the sender's own read timeout applies
            await transport.sender(url, httpx.Timeout(5.0, read=0.2))("GET", f"{url}/slow", {}, None)
    await transport.aclose()


async def test_the_bare_sender_settles_the_proxy_for_its_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    async with raw_server(echo_forever) as (proxy_url, _):
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "localhost")
        transport = AiohttpTransport()
        send = transport.sender("http://zoom.invalid/v2", httpx.Timeout(5.0))
        proxied = await send("GET", "http://zoom.invalid/v2/users/me", {}, None)
        await transport.aclose()
    assert proxied.json()["start"] == "GET http://zoom.invalid/v2/users/me HTTP/1.1"


class _RecordingTransport(httpx.AsyncBaseTransport):
    """The network edge: answers every call with a Zoom user and notes which way it came."""

    def __init__(self) -> None:
        self.ways: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.ways.append(f"httpx {request.method} {request.url.path}")
        return httpx.Response(200, json={"id": "u1"})


class _RecordingBareTransport(_RecordingTransport):
    def sender(self, base_url: str, timeout: httpx.Timeout) -> BareSend:
        async def send(
            method: str, url: str, headers: Mapping[str, str], body: bytes | None
        ) -> httpx.Response:
            self.ways.append(f"bare {method} {url.removeprefix(base_url)}")
            return httpx.Response(200, json={"id": "u1"})

        return send


@pytest.mark.parametrize(
    ("transport", "way"),
    [(_RecordingBareTransport(), "bare GET /users/me"), (_RecordingTransport(), "httpx GET /v2/users/me")],
)
async def test_the_zoom_client_sends_bare_only_through_a_transport_that_offers_it(
    transport: _RecordingTransport, way: str
) -> None:
    # The benchmark runs the bot on a transport of another package, under our class's name:
    # the choice goes by what the transport can do, not by its class.
    http = ZoomHttp("http://zoom.invalid/v2", "http://zoom.invalid", transport=transport)
    answer = await http.api("GET", "/users/me", tokens=StaticTokenSource("t"), operation="get user")
    await http.aclose()
    assert answer.json() == {"id": "u1"}
    assert transport.ways == [way]


async def test_only_a_transport_that_can_send_bare_is_driven_without_httpx_requests() -> None:
    # The Zoom client takes the short way only through a transport that offers it; any
    # other (a test's MockTransport, another package's transport) goes through httpx.
    assert isinstance(AiohttpTransport(), SendsBare)
    assert not isinstance(httpx.MockTransport(lambda request: httpx.Response(200)), SendsBare)
    plain = httpx.AsyncHTTPTransport()
    assert not isinstance(plain, SendsBare)
    await plain.aclose()
