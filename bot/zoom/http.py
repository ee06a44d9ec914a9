"""The HTTP core every Zoom call goes through: one pooled client, deadlines, retries.

``ZoomHttp`` is created once per process (the app calls the constructor at start-up and
``aclose()`` at shutdown). Each call:

- runs under an overall deadline (``asyncio.timeout``) on top of httpx's per-phase
  timeouts, so a user never waits on a hung connection;
- retries what is safe to retry, with exponential backoff and full jitter, bounded by
  attempts *and* total time: connect failures (nothing was sent) for any method; 429
  per-second limits honouring ``Retry-After``; 502/503/504, and read failures, only for
  idempotent calls. A daily limit, or a ``Retry-After`` beyond the budget, fails fast.
  400/403/404 are never retried;
- on a 401 (Zoom code 124) asks the token source once for a new token
  (``invalidate``) and repeats the call once.

A meeting create or update first takes one of its host's 100 daily slots
(``host_writes.py``): with none left it fails at once, without calling Zoom.

A non-idempotent call (creating a meeting, the token endpoint) whose request may have
reached Zoom (read timeout, dropped connection, 5xx) is not retried: it raises
``UNAVAILABLE`` with ``outcome=UNKNOWN`` and the caller decides (see ``client.py``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from json import dumps as json_dumps
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import httpx

from bot.http_transport import AiohttpTransport, BareSend, SendsBare
from bot.zoom.classify import error_from_response
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind
from bot.zoom.host_writes import HostWrites, Slot, counted, paced_host
from bot.zoom.rate_governor import RateGovernor, rate_label

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=2.0)
# Sockets to Zoom at once. Every admitted command may be awaiting Zoom at the same time, so a
# small pool would become the fixed slot count that caps throughput at connections ÷ latency;
# this bounds file descriptors instead (512 at 800 ms is 640 calls/s, past one process's CPU).
MAX_CONNECTIONS = 512
_HEADERS = {"Accept": "application/json", "User-Agent": "zoombot"}
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

# Connection-level failures that happen before any byte of the request was sent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_RETRY_STATUSES = {502, 503, 504}


def utc_now() -> datetime:
    return datetime.now(UTC)


class TokenSource(Protocol):
    """Where a call gets its bearer token (see ``tokens.py``)."""

    async def access_token(self) -> str: ...

    async def invalidate(self, stale_access_token: str) -> str:
        """Zoom refused ``stale_access_token`` (124): return a token that should work, or raise
        ``NoOtherToken`` when there is none to try (Zoom's refusal is then the answer)."""
        ...

    def rate_account(self) -> str | None:
        """The Zoom account whose rate limits the calls spend (known once a token was given);
        None leaves them unpaced."""
        ...

    def host_user(self) -> str | None:
        """The token's own Zoom user (e-mail, else id) once known: whose daily meeting
        create/update count a ``me`` call spends (``host_writes.py``); None when unknown."""
        ...


class NoOtherToken(Exception):
    """A token source with nothing to renew (a token known up front)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # total tries, the first included
    budget: float = 8.0  # seconds of waiting (and trying) before we give up
    base_delay: float = 0.25
    max_delay: float = 4.0

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """Full jitter: uniform(0, min(max, base * 2**n))."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2**retry_number))


class ZoomHttp:
    """The shared HTTP client for Zoom's REST API and its OAuth endpoints."""

    def __init__(
        self,
        api_url: str,
        oauth_url: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        deadline: float = 25.0,
        retry: RetryPolicy | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        observe: Callable[[str, str], None] | None = None,
        governor: RateGovernor | None = None,
        host_writes: HostWrites | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.timeout = timeout
        self.deadline = deadline
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        # (operation, outcome) of every attempt: "ok", a ZoomErrorKind, or "unreachable".
        self.observe = observe or (lambda operation, outcome: None)
        self.governor = governor  # paces calls under Zoom's per-account limits
        self.host_writes = host_writes  # paces meeting creates/updates under the per-host daily cap
        self._transport = transport or AiohttpTransport(max_connections=MAX_CONNECTIONS)
        self._timeout_phases = timeout.as_dict()
        self._bare_send: BareSend | None = None
        if isinstance(self._transport, SendsBare):
            self._bare_send = self._transport.sender(self.api_url, timeout)
        # The OAuth token endpoint (form posts, a few per hour) goes through the full client;
        # REST calls take the short way in ``_send``.
        self.client = httpx.AsyncClient(
            timeout=timeout, transport=self._transport, headers=_HEADERS, follow_redirects=False
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- REST ------------------------------------------------------------------------------

    async def api(
        self,
        method: str,
        path_template: str,
        *,
        tokens: TokenSource,
        operation: str,
        path_params: Mapping[str, str | int] | None = None,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        host: str | None = None,
    ) -> httpx.Response:
        """Call ``method api_url+path_template`` and return the 2xx response, or raise ZoomError.

        ``path_template`` uses Zoom's names (``/meetings/{meetingId}``); values are
        percent-encoded (a ``/`` in a value cannot change the path). ``host``: the meeting's
        host (e-mail), for a meeting update to count against their daily cap.
        """
        path = path_template.format(**{k: quote(str(v), safe="@") for k, v in (path_params or {}).items()})
        request = _Call(
            method=method.upper(),
            url=self.api_url + path,
            params=dict(params or {}),
            json=json,
            operation=operation,
            idempotent=method.upper() != "POST" if idempotent is None else idempotent,
            meeting_path=path_template.startswith("/meetings/"),
            label=rate_label(method.upper(), path_template),
        )
        if self.host_writes is not None and counted(request.method, path_template):
            request.paced = (path_template, dict(path_params or {}), host)
        try:
            try:
                async with asyncio.timeout(self.deadline):
                    return await self._with_token(request, tokens)
            except TimeoutError:
                raise ZoomError(
                    kind=ZoomErrorKind.UNAVAILABLE,
                    operation=operation,
                    message=f"no answer from Zoom within {self.deadline:g} s",
                    outcome=Outcome.UNCHANGED if request.idempotent else Outcome.UNKNOWN,
                ) from None
        except ZoomError as error:
            if request.slot is not None and self.host_writes is not None:
                await self.host_writes.settle(request.slot, error, reached=request.reached)
            raise

    async def _with_token(self, call: _Call, tokens: TokenSource) -> httpx.Response:
        token = await tokens.access_token()
        call.account = tokens.rate_account()
        if call.paced is not None:
            await self._take_host_slot(call, tokens)
        try:
            return await self._with_retries(call, token)
        except ZoomError as error:
            if error.kind != ZoomErrorKind.AUTH or error.status != 401:
                raise
            # Zoom refused the token (expired early, or a sibling's refresh rotated it).
            log.info("zoom %s: token refused, asking for a new one", call.operation)
            try:
                token = await tokens.invalidate(token)
            except NoOtherToken:
                raise error from None  # what Zoom said is the explanation
            return await self._with_retries(call, token)

    async def _take_host_slot(self, call: _Call, tokens: TokenSource) -> None:
        """A meeting create/update counts against its host's daily cap (``host_writes.py``);
        after the token, which names the host of a ``me`` call."""
        assert self.host_writes is not None and call.paced is not None
        template, path_params, named = call.paced
        host = paced_host(call.method, template, path_params, call.json, named, tokens.host_user)
        if host:
            call.slot = await self.host_writes.take(host, call.operation, self.clock())

    async def _with_retries(self, call: _Call, token: str) -> httpx.Response:
        headers = {**_HEADERS, "Authorization": f"Bearer {token}"}
        url = f"{call.url}?{urlencode(call.params)}" if call.params else call.url
        return await self.send_with_retries(
            call.operation,
            lambda: self._paced_send(call, url, headers),
            idempotent=call.idempotent,
            to_error=lambda response, outcome: error_from_response(
                response,
                operation=call.operation,
                meeting_path=call.meeting_path,
                now=self.clock(),
                secrets=(token,),
                outcome=outcome,
            ),
        )

    async def _paced_send(self, call: _Call, url: str, headers: dict[str, str]) -> httpx.Response:
        if self.governor is not None and call.account is not None:
            await self.governor.acquire(call.account, call.label, call.operation)
        if call.slot is None:
            return await self._send(call.method, url, call.json, headers)
        # A counted create/update: note whether Zoom may have acted on it (and so counted it).
        try:
            response = await self._send(call.method, url, call.json, headers)
        except _NOT_SENT:
            raise
        except BaseException:
            call.reached = True  # sent, maybe acted on: a lost answer, or cancelled in flight
            raise
        call.reached = call.reached or not 400 <= response.status_code < 500
        return response

    async def _send(self, method: str, url: str, json: Any, headers: dict[str, str]) -> httpx.Response:
        """One REST request handed straight to the transport, with the client's timeouts.

        ``AsyncClient.request`` would merge URLs, query parameters and headers, run the auth
        and redirect machinery and a cookie jar none of our calls use: twice the CPU of the
        whole aiohttp request underneath, on every Zoom call. The query arrives encoded
        exactly as httpx encodes ``params`` (``urlencode``: ``+`` for a space, every reserved
        character escaped). On the process's own aiohttp transport not even an
        ``httpx.Request`` is built (``AiohttpTransport.sender``); the body is JSON encoded
        as httpx would encode it."""
        if self._bare_send is not None:
            if json is None:
                return await self._bare_send(method, url, headers, None)
            body = json_dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            return await self._bare_send(method, url, {**headers, "Content-Type": "application/json"}, body)
        request = httpx.Request(
            method, url, json=json, headers=headers, extensions={"timeout": self._timeout_phases}
        )
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    # -- the retry loop (shared with oauth.py) ------------------------------------------------

    async def send_with_retries(
        self,
        operation: str,
        send: Callable[[], Awaitable[httpx.Response]],
        *,
        idempotent: bool,
        to_error: Callable[[httpx.Response, Outcome], ZoomError],
    ) -> httpx.Response:
        policy = self.retry
        started = self.clock()
        slept = 0.0
        attempt = 0
        while True:
            attempt += 1
            error = await self._attempt(operation, send, idempotent, to_error)
            if isinstance(error, httpx.Response):
                return error
            if not _retryable(error, idempotent):
                raise error
            # Whichever is larger: real time passed, or time the (maybe fake) sleep was asked for.
            spent = max((self.clock() - started).total_seconds(), slept)
            jitter = policy.backoff(attempt - 1, self.rng)
            delay = max(error.retry_after, jitter) if error.retry_after is not None else jitter
            if attempt >= policy.attempts or spent + delay > policy.budget:
                raise error
            log.info(
                "zoom %s: %s (HTTP %s), retry %d in %.2f s",
                operation,
                error.kind,
                error.status,
                attempt,
                delay,
            )
            await self.sleep(delay)
            slept += delay

    async def _attempt(
        self,
        operation: str,
        send: Callable[[], Awaitable[httpx.Response]],
        idempotent: bool,
        to_error: Callable[[httpx.Response, Outcome], ZoomError],
    ) -> httpx.Response | ZoomError:
        try:
            response = await send()
        except _NOT_SENT as exc:
            self.observe(operation, "unreachable")
            return _transport_error(operation, exc, Outcome.UNCHANGED, retry_any=True)
        except httpx.TransportError as exc:
            self.observe(operation, "unreachable")
            # The request may have reached Zoom: only idempotent calls may be repeated.
            outcome = Outcome.UNCHANGED if idempotent else Outcome.UNKNOWN
            return _transport_error(operation, exc, outcome, retry_any=False)
        _log_call(operation, response)
        if response.is_success:
            self.observe(operation, "ok")
            return response
        outcome = Outcome.UNKNOWN if response.status_code >= 500 and not idempotent else Outcome.UNCHANGED
        error = to_error(response, outcome)
        self.observe(operation, str(error.kind))
        return error


@dataclass
class _Call:
    method: str
    url: str
    params: dict[str, str | int]
    json: Any
    operation: str
    idempotent: bool
    meeting_path: bool
    label: str = "Light"  # Zoom's rate label
    account: str | None = None  # whose rate limits it spends, once the token source says
    # A meeting create/update under the per-host daily cap: (path template, path values, named host),
    # the slot it took, and whether any attempt may have reached Zoom (then the slot is kept).
    paced: tuple[str, dict[str, str | int], str | None] | None = None
    slot: Slot | None = None
    reached: bool = False


def _transport_error(
    operation: str, exc: httpx.TransportError, outcome: Outcome, *, retry_any: bool
) -> ZoomError:
    error = ZoomError(
        kind=ZoomErrorKind.UNAVAILABLE,
        operation=operation,
        message=f"could not reach Zoom ({type(exc).__name__})",
        outcome=outcome,
    )
    error.details["retry_any_method"] = "yes" if retry_any else "no"
    return error


def _retryable(error: ZoomError, idempotent: bool) -> bool:
    if error.kind == ZoomErrorKind.RATE_LIMITED:
        return True  # Zoom refused before acting
    if error.status is None and error.kind == ZoomErrorKind.UNAVAILABLE:
        return idempotent or error.details.get("retry_any_method") == "yes"
    return idempotent and error.status in _RETRY_STATUSES


def _log_call(operation: str, response: httpx.Response) -> None:
    # Method, path and status only: URLs and bodies stay out of our logs.
    log.debug(
        "zoom %s -> HTTP %d (tracking id %s)",
        operation,
        response.status_code,
        response.headers.get("x-zm-trackingid", "-"),
    )
