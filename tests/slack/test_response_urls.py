"""The response_url poster over real loopback sockets: what reaches Slack, connection reuse,
and failures that become ``ResponseUrlError`` without the URL in them."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from bot.slack.response_urls import ResponseUrlError, ResponseUrls
from tests.kit.raw_http import Handler, raw_server, read_request

SECRET_PATH = "/commands/T0001/1234/s3cr3tR3sp0nseUrlT0ken"


def answering(status: str, seen: list[tuple[str, dict[str, str], bytes]]) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                seen.append(await read_request(reader))
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            body = b'{"ok": true}'
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()

    return handler


async def test_replies_post_json_and_share_one_connection() -> None:
    seen: list[tuple[str, dict[str, str], bytes]] = []
    urls = ResponseUrls()
    try:
        async with raw_server(answering("200 OK", seen)) as (base, accepted):
            respond = urls.responder(base + SECRET_PATH)
            await respond(text="Upcoming: 1 meeting", blocks=[{"type": "divider"}], thread_ts=None)
            await respond(text="Montréal ✓", replace_original=True)
    finally:
        await urls.aclose()
    assert len(accepted) == 1  # the second reply reused the pooled connection
    (first_start, first_headers, first_body), (_, _, second_body) = seen
    assert first_start == f"POST {SECRET_PATH} HTTP/1.1"
    assert first_headers["content-type"].startswith("application/json")
    # None values are left out; non-ASCII text arrives as UTF-8 JSON.
    assert json.loads(first_body) == {"text": "Upcoming: 1 meeting", "blocks": [{"type": "divider"}]}
    assert json.loads(second_body.decode("utf-8")) == {"text": "Montréal ✓", "replace_original": True}


async def test_a_refused_reply_is_an_error_without_the_url() -> None:
    urls = ResponseUrls()
    try:
        async with raw_server(answering("404 Not Found", [])) as (base, _):
            with pytest.raises(ResponseUrlError) as caught:
                await urls.responder(base + SECRET_PATH)(text="late")
    finally:
        await urls.aclose()
    assert "HTTP 404" in str(caught.value) and "s3cr3t" not in str(caught.value)


async def test_unreachable_slack_is_an_error_without_the_url() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: nothing accepts
    urls = ResponseUrls()
    try:
        with pytest.raises(ResponseUrlError) as caught:
            await urls.responder(f"http://127.0.0.1:{port}{SECRET_PATH}")(text="hello")
    finally:
        await urls.aclose()
    assert "could not reach Slack" in str(caught.value)
    assert "s3cr3t" not in str(caught.value) and caught.value.__cause__ is None


async def test_a_silent_slack_times_out_as_an_error() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    urls = ResponseUrls(timeout=0.2)
    try:
        async with raw_server(silent) as (base, _):
            with pytest.raises(ResponseUrlError, match="could not reach Slack"):
                await urls.responder(base + SECRET_PATH)(text="hello")
    finally:
        await urls.aclose()


@pytest.mark.parametrize("url", [None, "", "ftp://slack.example/x", "not a url", "https:///no-host"])
async def test_an_interaction_without_a_usable_response_url_is_an_error(url: str | None) -> None:
    urls = ResponseUrls()
    try:
        with pytest.raises(ResponseUrlError, match="without a usable response_url"):
            await urls.responder(url)(text="hello")
    finally:
        await urls.aclose()


async def test_http_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, dict[str, str], bytes]] = []
    async with raw_server(answering("200 OK", seen)) as (proxy, _):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("NO_PROXY", "localhost")
        urls = ResponseUrls()
        try:
            await urls.responder(f"http://hooks.slack.invalid{SECRET_PATH}")(text="via proxy")
        finally:
            await urls.aclose()
    assert seen[0][0] == f"POST http://hooks.slack.invalid{SECRET_PATH} HTTP/1.1"
