"""httpx's API on aiohttp's connection pool, for the bot's Zoom calls.

The Zoom client speaks httpx (``bot/zoom/http.py``, ``bot/zoom/oauth.py``): its timeouts,
errors and test transports are what that code is written against. Underneath, httpx's own
pool (httpcore on anyio) costs about 0.9–1.7 ms of CPU per request on this kind of machine,
against 0.2 ms for aiohttp, which the bot already loads for Slack's Web API client. This
transport sends each request through one aiohttp session per event loop
(``SessionPool``, also used directly by ``bot/slack/response_urls.py``) and turns aiohttp's
failures back into httpx's, keeping the one distinction the retry logic in
``bot/zoom/http.py`` relies on: ``ConnectError`` / ``ConnectTimeout`` mean nothing was sent,
anything later (``ReadError``, ``ReadTimeout``, ``RemoteProtocolError``) means the request
may have arrived.

Bodies are read in full here: every answer the bot reads (Zoom JSON) is small, and it keeps
timeouts and connection reuse in one place.

Why not the ``httpx-aiohttp`` package, which does the same job: measured against this
module (httpx-aiohttp 0.2.0, aiohttp 3.14, run through ``tests/test_http_transport.py``
and ``bench/run.py``, which also runs the bot on the package's transport):

- it maps every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``, and that
  base class wins over the specific rows. A server that hangs up after the request arrived
  (``ServerDisconnectedError``) or a connection reset mid-answer (``ClientOSError``) then
  reads as "nothing was sent", and ``bot/zoom/http.py`` would repeat a meeting create that
  Zoom may have carried out: a duplicate meeting. A refused connection comes out as
  ``ConnectTimeout`` rather than ``ConnectError``;
- it ignores ``HTTP(S)_PROXY`` / ``NO_PROXY``, keeps a cookie jar, and binds its session to
  the first event loop it serves (a second loop fails with "Event loop is closed");
- CPU: nothing to win. The same bot on each transport, same load, median of 3 (the
  package driven through ``httpx.Request``, as it must be; ours through ``sender`` below):
  1.50 ms of server CPU per `/zoom list` at 100 commands/s on both, 1.44 against 1.51 ms at
  300/s, 1.48 against 1.52 ms at 10 in flight: inside the run-to-run noise (~10%).
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import aiohttp
import httpx

# Method, URL, headers and body in; the answer out (``AiohttpTransport.sender``).
BareSend = Callable[[str, str, Mapping[str, str], bytes | None], Awaitable[httpx.Response]]


@runtime_checkable
class SendsBare(Protocol):
    """A transport that can also send without an ``httpx.Request`` (``AiohttpTransport``).

    Checked by what it can do, not by class: any other transport (the tests'
    ``MockTransport``, the httpx-aiohttp package the benchmark runs the bot on) is driven
    through ``httpx.AsyncClient`` as usual."""

    def sender(self, base_url: str, timeout: httpx.Timeout) -> BareSend: ...


# Failures that happen before any byte of the request left this process.
_NOT_SENT: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
)
# Failures after the request (or part of it) may have reached the server.
_MAYBE_SENT: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ClientError, httpx.ReadError),
    (OSError, httpx.ReadError),
)


@contextmanager
def _as_httpx_errors(request: httpx.Request | None) -> Iterator[None]:
    try:
        yield
    except (aiohttp.ClientError, OSError) as exc:
        for source, target in (*_NOT_SENT, *_MAYBE_SENT):
            if isinstance(exc, source):
                raise target(f"{type(exc).__name__}: {exc}", request=request) from exc
        raise  # pragma: no cover - the last row catches every ClientError/OSError


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _client_timeout(phases: Mapping[str, object]) -> aiohttp.ClientTimeout:
    """httpx's per-phase timeouts (pool, connect, read) as aiohttp's.

    aiohttp's ``connect`` covers waiting for a pooled connection *and* opening one, so it
    gets both budgets; ``sock_connect`` is the TCP/TLS part alone. httpx's write timeout
    has no aiohttp counterpart; the callers' overall deadlines bound a stuck write."""
    pool, connect, read = (_seconds(phases.get(k)) for k in ("pool", "connect", "read"))
    waiting = None if pool is None or connect is None else pool + connect
    return aiohttp.ClientTimeout(total=None, connect=waiting, sock_connect=connect, sock_read=read)


class SessionPool:
    """One pooled ``aiohttp.ClientSession`` per event loop, and the proxy for each origin.

    Shared by the httpx transport below and by the response_url poster
    (``bot/slack/response_urls.py``), which talks to aiohttp directly."""

    def __init__(self, *, max_connections: int = 100, keepalive_expiry: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # HTTP(S)_PROXY / NO_PROXY, read once: aiohttp's own trust_env re-reads them (and
        # ~/.netrc, in a thread) on every request.
        self._proxies = urllib.request.getproxies_environment()
        self._proxy_by_origin: dict[tuple[str, str], str | None] = {}

    def proxy_for(self, scheme: str, host: str) -> str | None:
        origin = (scheme, host)
        if origin not in self._proxy_by_origin:
            proxy = self._proxies.get(scheme)
            if proxy and urllib.request.proxy_bypass(host):
                proxy = None
            self._proxy_by_origin[origin] = proxy
        return self._proxy_by_origin[origin]

    def session(self) -> aiohttp.ClientSession:
        # A session belongs to the loop it was made on; made lazily so the pool can be
        # built before the loop runs (the app is composed synchronously).
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                keepalive_timeout=self._keepalive_expiry,
                # ssl left to aiohttp: certificates verified against the system's CA store,
                # with the context aiohttp builds once at import.
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # no call of ours relies on cookies
                auto_decompress=False,  # httpx decodes Content-Encoding itself
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),  # callers set them
            )
            self._loop = loop
        return self._session

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncClient`` transport that sends through a pooled ``aiohttp.ClientSession``."""

    def __init__(self, *, max_connections: int = 100, keepalive_expiry: float = 5.0) -> None:
        self._pool = SessionPool(max_connections=max_connections, keepalive_expiry=keepalive_expiry)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        url = request.url
        response = await self._exchange(
            request.method,
            str(url),
            list(request.headers.multi_items()),
            body or None,
            _client_timeout(request.extensions.get("timeout", {})),
            self._pool.proxy_for(url.scheme, url.host),
            request,
        )
        response.request = request
        return response

    def sender(self, base_url: str, timeout: httpx.Timeout) -> BareSend:
        """A send for requests under ``base_url`` that need no ``httpx.Request`` at all.

        ``bot/zoom/http.py`` sends every REST call through it: building and parsing an
        ``httpx.Request`` (its URL, its headers) took about as much CPU as aiohttp's own
        request. The proxy and the timeouts are settled here once for the origin; the
        answer is the same ``httpx.Response`` (without ``.request``) and failures the same
        httpx errors as through ``handle_async_request``."""
        origin = httpx.URL(base_url)
        proxy = self._pool.proxy_for(origin.scheme, origin.host)
        client_timeout = _client_timeout(timeout.as_dict())

        async def send(
            method: str, url: str, headers: Mapping[str, str], body: bytes | None
        ) -> httpx.Response:
            return await self._exchange(method, url, headers, body, client_timeout, proxy, None)

        return send

    async def _exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | list[tuple[str, str]],
        body: bytes | None,
        timeout: aiohttp.ClientTimeout,
        proxy: str | None,
        request: httpx.Request | None,
    ) -> httpx.Response:
        session = self._pool.session()
        with _as_httpx_errors(request):
            async with session.request(
                method,
                url,
                headers=headers,
                data=body,
                timeout=timeout,
                allow_redirects=False,  # httpx decides about redirects
                proxy=proxy,
            ) as answer:
                content = await answer.read()
                return httpx.Response(
                    answer.status,
                    headers=list(answer.raw_headers),
                    content=content,
                    extensions={"http_version": b"HTTP/1.1", "reason_phrase": (answer.reason or "").encode()},
                )

    async def aclose(self) -> None:
        await self._pool.aclose()
