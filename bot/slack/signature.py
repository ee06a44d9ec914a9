"""Slack request signature checking that fails closed — 401, never 500.

slack_sdk's ``SignatureVerifier`` raises on a non-numeric timestamp (``int()``) and on a
non-ASCII signature (``hmac.compare_digest`` on str), and Bolt's Starlette adapter raises
on a body that is not UTF-8. We check the raw bytes ourselves, before Bolt sees them,
and treat every parse problem as "not from Slack".
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from bot.slack.recent_signatures import RecentSignatures

log = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
# The shared memory is one INSERT; past this, the ack (due within Slack's 3 s) goes ahead on
# this process's own memory rather than wait for a database that is not answering.
SHARED_MEMORY_TIMEOUT_S = 1.0
# While the database is down every request falls back: one line a minute (with how many fell
# back since the last) says so without flooding the log.
FALLBACK_LOG_EVERY_S = 60.0

# Records a signature in memory every bot process shares; False when it was there already.
SharedMemory = Callable[[str], Awaitable[bool]]


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


class SlackSignatureChecker:
    """Verifies ``X-Slack-Signature`` over the raw body and remembers recent signatures.

    A captured request stays valid for five minutes; slash commands and button clicks
    carry no retry id, so a replay is caught by remembering the signatures seen in the
    window (Slack never sends the same signature twice). Each process remembers what it
    saw; ``shared`` (the database, in :meth:`replayed_elsewhere`) catches a replay sent to a sibling
    process behind the same load balancer.
    """

    def __init__(
        self,
        signing_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        replay_window: int = MAX_SKEW_SECONDS,
        max_remembered: int = 100_000,
        shared: SharedMemory | None = None,
        shared_timeout: float = SHARED_MEMORY_TIMEOUT_S,
    ) -> None:
        self._shared = shared
        self._shared_timeout = shared_timeout
        self._fallbacks_unlogged = 0
        self._fallback_logged_at: float | None = None
        self._secret = signing_secret
        self._clock = clock
        self._seen = RecentSignatures(replay_window, max_remembered)

    def check(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        """Return None when the request is authentic and fresh, else a short reason."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if not timestamp or not signature:
            return "missing signature"
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return "malformed timestamp"
        now = self._clock()
        if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
            return "stale timestamp"
        try:
            given = signature.encode("ascii")
        except UnicodeEncodeError:
            return "malformed signature"
        expected = compute_signature(self._secret, timestamp, body).encode("ascii")
        if not hmac.compare_digest(given, expected):
            return "wrong signature"
        if self._seen.seen_before(signature, now):
            return "replayed request"
        return None

    async def replayed_elsewhere(self, headers: Mapping[str, str]) -> bool:
        """After :meth:`check` passed: whether another process (or this one) admitted the
        same signature before, by the memory every process shares."""
        if self._shared is None:
            return False
        try:
            async with asyncio.timeout(self._shared_timeout):
                first = await self._shared(headers.get("x-slack-signature", ""))
        except Exception as error:  # the database is down or slow: this process's memory stands
            self._log_fallback(error)
            return False
        return not first

    def _log_fallback(self, error: Exception) -> None:
        self._fallbacks_unlogged += 1
        now = self._clock()
        if self._fallback_logged_at is not None and now - self._fallback_logged_at < FALLBACK_LOG_EVERY_S:
            return
        log.warning(
            "replay check on this process only: the database did not answer (%s); "
            "%d request(s) since the last such line",
            type(error).__name__,
            self._fallbacks_unlogged,
        )
        self._fallback_logged_at = now
        self._fallbacks_unlogged = 0
