"""Zoom webhooks (``POST /zoom/webhooks``): verify, answer fast, act once.

Verification follows Zoom's scheme on the *raw* body bytes — ``x-zm-signature =
"v0=" + hex(HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{body}"))`` —
compared with ``hmac.compare_digest``. Anything unsigned, wrongly signed or with a
timestamp more than five minutes off gets 401 and does nothing (a validly signed but
stale delivery is logged, so the window can be tuned from real traffic).

``endpoint.url_validation`` is answered in the response (``plainToken`` and its HMAC).
Every other event is deduplicated — Zoom delivers at least once and retries — by a
key stored in ``processed_events``, answered 200 at once, and acted on in a background
task; :meth:`ZoomWebhooks.aclose` waits for those tasks at shutdown. Zoom never delivers
again an event it got a 200 for, so work that fails on the database (busy, restarting) is
tried again here, a few times with a growing pause; every effect is safe to repeat. If it
still fails, or fails otherwise, its key is forgotten again, so a later delivery of the same
event (a replay from Zoom's console) is processed.

Request bodies are never logged: ``recording.completed`` carries a download token.
What each event changes is not decided here: that is ``bot/services/zoom_events.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError

from bot.store.events import ProcessedEventStore
from bot.store.outage import is_database_outage

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
TRACKING_HEADER = "x-zm-trackingid"
TIMESTAMP_TOLERANCE_S = 300
APPLYING_AT_ONCE = 4  # events acted on at once per process; the rest wait their turn
APPLY_ATTEMPTS = 4  # tries of an event's work while the database fails: 0.5 + 1 + 1.5 s of pauses
APPLY_BACKOFF_S = 0.5
EVENT_SOURCE = "zoom"

Response = tuple[int, dict[str, Any]]
Clock = Callable[[], datetime]


def signature_for(secret_token: str, timestamp: str, body: bytes) -> bytes:
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    return b"v0=" + hmac.new(secret_token.encode(), message, hashlib.sha256).hexdigest().encode("ascii")


def encrypted_token(secret_token: str, plain_token: str) -> str:
    return hmac.new(secret_token.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def delivery_key(event: str, body: Mapping[str, Any], tracking_id: str | None, raw: bytes) -> str:
    """What identifies one event across Zoom's retries.

    The event's own time and object are the same in every retry, so they come first;
    Zoom's tracking id (not documented as stable across retries) is the fallback, and a
    hash of the body the last resort.
    """
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    assert isinstance(payload, dict)
    obj = payload.get("object") if isinstance(payload.get("object"), dict) else {}
    assert isinstance(obj, dict)
    subject = obj.get("uuid") or obj.get("id") or payload.get("user_id")
    participant = obj.get("participant")
    if subject is not None and isinstance(participant, dict):
        # Many people join one meeting in the same millisecond: each join is its own event.
        who = participant.get("user_id") or participant.get("participant_uuid") or participant.get("id")
        when = participant.get("join_time") or participant.get("leave_time")
        subject = f"{subject}:{who}:{when}"
    event_ts = body.get("event_ts")
    if event_ts is not None and subject is not None:
        return f"{event}:{event_ts}:{subject}"
    if tracking_id:
        return f"{event}:trk:{tracking_id}"
    return f"{event}:sha256:{hashlib.sha256(raw).hexdigest()}"


class EventEffects(Protocol):
    """What acting on an event means: ``bot.services.zoom_events.ZoomEventEffects``."""

    async def apply(self, event: str, payload: dict[str, Any]) -> None: ...

    async def drain(self) -> None:
        """Wait for work the events started in the background."""
        ...


class ZoomWebhooks:
    """What the webhook route calls: ``await handle(raw_body, headers) -> (status, json)``."""

    def __init__(
        self,
        secret_token: str,
        *,
        events: ProcessedEventStore,
        effects: EventEffects,
        clock: Clock,
        wall_clock: Callable[[], float] = time.time,
        tolerance_s: int = TIMESTAMP_TOLERANCE_S,
        apply_backoff_s: float = APPLY_BACKOFF_S,
    ) -> None:
        if not secret_token:
            raise ValueError("a webhook secret token is required")
        self._secret = secret_token
        self._events = events
        self._effects = effects
        self._clock = clock
        self._wall_clock = wall_clock
        self._tolerance = tolerance_s
        self._tasks: set[asyncio.Task[None]] = set()
        self._applying = asyncio.Semaphore(APPLYING_AT_ONCE)
        self._backoff = apply_backoff_s

    async def __call__(self, body: bytes, headers: Mapping[str, str]) -> Response:
        return await self.handle(body, headers)

    async def handle(self, body: bytes, headers: Mapping[str, str]) -> Response:
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        if not self._verified(body, lowered):
            return 401, {"error": "invalid signature"}
        try:
            parsed = json.loads(body)
        except ValueError:
            return 400, {"error": "body is not JSON"}
        if not isinstance(parsed, dict) or not isinstance(parsed.get("event"), str):
            return 400, {"error": "no event"}
        event: str = parsed["event"]
        payload = parsed.get("payload") if isinstance(parsed.get("payload"), dict) else {}
        assert isinstance(payload, dict)
        if event == "endpoint.url_validation":
            plain = payload.get("plainToken")
            if not isinstance(plain, str) or not plain:
                return 400, {"error": "no plainToken"}
            return 200, {"plainToken": plain, "encryptedToken": encrypted_token(self._secret, plain)}
        key = delivery_key(event, parsed, lowered.get(TRACKING_HEADER), body)
        try:
            first = await self._events.first_time(EVENT_SOURCE, key, now=self._clock())
        except Exception as error:
            if not _database_trouble(error):
                raise
            # The database is busy or down: not accepted, so Zoom delivers it again later.
            log.warning("Zoom event %s not accepted: the database did not answer", event)
            return 503, {"error": "try again later"}
        if not first:
            log.info("Zoom event %s delivered again; already handled", event)
            return 200, {"status": "duplicate"}
        task = asyncio.create_task(self._apply(event, payload, key), name=f"zoom-webhook:{event}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return 200, {"status": "accepted"}

    def _verified(self, body: bytes, headers: Mapping[str, str]) -> bool:
        signature, timestamp = headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER)
        if not signature or not timestamp or not timestamp.isascii() or not timestamp.isdigit():
            log.warning("Zoom webhook refused: signature or timestamp missing or malformed")
            return False
        try:
            given = signature.encode("ascii")
        except UnicodeEncodeError:
            log.warning("Zoom webhook refused: signature is not ASCII")
            return False
        if not hmac.compare_digest(given, signature_for(self._secret, timestamp, body)):
            log.warning("Zoom webhook refused: wrong signature")
            return False
        skew = abs(self._wall_clock() - int(timestamp))
        if skew > self._tolerance:
            log.warning("Zoom webhook refused: correctly signed but %d s away from our clock", int(skew))
            return False
        return True

    async def _apply(self, event: str, payload: dict[str, Any], key: str) -> None:
        failure: Exception | None = None
        for attempt in range(1, APPLY_ATTEMPTS + 1):
            try:
                async with self._applying:  # a burst of events must not crowd out the fast answers
                    await self._effects.apply(event, payload)
                return
            except Exception as error:
                failure = error
                if not _database_trouble(error) or attempt == APPLY_ATTEMPTS:
                    break
                pause = self._backoff * attempt
                reason = type(getattr(error, "orig", None) or error).__name__
                log.warning("Zoom event %s: the database failed (%s); again in %.1f s", event, reason, pause)
                await asyncio.sleep(pause)
        log.error(
            "Zoom event %s could not be handled; a redelivery will be processed", event, exc_info=failure
        )
        try:
            await self._events.forget(EVENT_SOURCE, key)
        except Exception:
            log.warning("could not forget Zoom event key after a failure", exc_info=True)

    async def drain(self) -> None:
        """Wait until every accepted event has been acted on, and its effects are done (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self._effects.drain()

    async def aclose(self) -> None:
        # The events' own background work (card updates) is closed by its owner, with a grace period.
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _database_trouble(error: BaseException) -> bool:
    """A database error or outage (asyncpg's refused connection arrives as a bare OSError)."""
    return isinstance(error, DBAPIError) or is_database_outage(error)
