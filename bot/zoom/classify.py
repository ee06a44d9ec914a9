"""Turn a failed Zoom response into a classified :class:`ZoomError`.

Zoom's REST errors are ``{"code": int, "message": str}``; its token endpoint answers
``{"reason": str, "error": str}`` (sometimes ``{"code", "message"}`` too); proxies in
front of either may answer HTML. All shapes end up here. The table of codes follows
the project notes (zoom-api-facts §3, §4).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind

_USER_NOT_FOUND = {1001, 1010, 1120}
_ME_NOT_A_USER = re.compile(r"\bdoes not exist:\s*me\.?\s*$", re.IGNORECASE)
_MEETING_NOT_FOUND = {3001, 3301}
_PERMISSION = {200, 3003, 3161}
# "This API is only available for ZMP and Business or higher accounts that have enabled the
# Dashboard feature." (code 400): the plan, not the input, is what Zoom refuses.
_PLAN_LACKS = re.compile(r"only available for .*(business|pro|paid|plan)")
# Token-endpoint codes that mean "this grant/code/client is no good": relink.
_OAUTH_AUTH_CODES = {4702, 4704, 4711, 4733, 4734, 4735, 4737, 4738, 4741}
_OAUTH_AUTH_ERRORS = {"invalid_grant", "invalid_client", "invalid_token", "unauthorized_client"}

# "scopes:[a, b]", "scopes: [a,b]", "scopes: a, b." and similar.
_SCOPES = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]|scopes?\s*:\s*([A-Za-z0-9_:.,\s-]+)", re.IGNORECASE)
_MAX_MESSAGE = 500


def parse_missing_scopes(message: str) -> tuple[str, ...]:
    """The scope names Zoom lists in a 4711/4700 message, in order, without duplicates."""
    match = _SCOPES.search(message)
    if match is None:
        return ()
    raw = match.group(1) if match.group(1) is not None else match.group(2)
    found: list[str] = []
    for part in re.split(r"[,\s]+", raw):
        scope = part.strip().strip(".'\"")
        if scope and ":" in scope and scope not in found:
            found.append(scope)
    return tuple(found)


_MAX_RETRY_AFTER = 400 * 24 * 3600.0  # longer than any daily reset; beyond this a value is garbage


def parse_retry_after(value: str | None, now: datetime) -> tuple[float | None, datetime | None]:
    """``Retry-After`` as seconds, an HTTP-date or an ISO-8601 instant.

    Returns (seconds from ``now``, the instant), or (None, None) if absent/unreadable.
    """
    if not value or not value.strip():
        return None, None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds) or seconds < 0 or seconds > _MAX_RETRY_AFTER:
            return None, None  # negative, NaN, infinite or absurd: treat as absent
        return seconds, now + timedelta(seconds=seconds)
    at = _parse_instant(text)
    if at is None:
        return None, None
    return max(0.0, (at - now).total_seconds()), at


def _parse_instant(text: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            at = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC)


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _plain_text(response: httpx.Response) -> str:
    """A short, single-line excerpt of a non-JSON body (an HTML error page, say)."""
    text = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(text.split())[:200]


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Remove any of ``secrets`` from ``text`` (defence in depth for echoed input)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def error_from_response(
    response: httpx.Response,
    *,
    operation: str,
    meeting_path: bool,
    now: datetime,
    secrets: Iterable[str] = (),
    outcome: Outcome = Outcome.UNCHANGED,
) -> ZoomError:
    """Classify a REST error response (status >= 400)."""
    status = response.status_code
    body = _body(response)
    raw_code = body.get("code")
    code: int | str | None = raw_code if isinstance(raw_code, int | str) else None
    numeric = code if isinstance(code, int) else _int_or_none(code)
    message = str(body.get("message") or "") if body else _plain_text(response)
    message = scrub(message, secrets)[:_MAX_MESSAGE]
    tracking_id = response.headers.get("x-zm-trackingid")
    error = ZoomError(
        kind=ZoomErrorKind.UNKNOWN,
        operation=operation,
        status=status,
        code=code,
        message=message,
        tracking_id=tracking_id,
        outcome=outcome,
    )
    lowered = message.lower()
    if status == 429 or numeric == 429:
        _rate_limit(error, response, lowered, now)
    elif numeric in (4711, 4700) or "does not contain scope" in lowered:
        # Before the 401 rule: Zoom sends 4700 with either 400 or 401.
        error.kind = ZoomErrorKind.SCOPE
        error.missing_scopes = parse_missing_scopes(message)
    elif numeric == 124 or status == 401:
        error.kind = ZoomErrorKind.AUTH
    elif status == 403 and "has not permitted access to the targeted resource" in lowered:
        error.kind = ZoomErrorKind.SHARED_ACCESS
    elif numeric == 1001 and _ME_NOT_A_USER.search(message):
        # What Zoom answers when an account (Server-to-Server) token asks about `me`.
        error.kind = ZoomErrorKind.MODE_MISUSE
    elif numeric in _USER_NOT_FOUND:
        error.kind = ZoomErrorKind.USER_NOT_FOUND
    elif numeric in _MEETING_NOT_FOUND or (status == 404 and meeting_path):
        error.kind = ZoomErrorKind.MEETING_NOT_FOUND
    elif numeric == 3000 and "schedule a meeting for" in lowered:
        error.kind = ZoomErrorKind.SCHEDULE_PRIVILEGE
    elif numeric in _PERMISSION or status == 403 or _PLAN_LACKS.search(lowered):
        error.kind = ZoomErrorKind.PERMISSION
    elif status >= 500:
        error.kind = ZoomErrorKind.UNAVAILABLE
    elif 400 <= status < 500:
        error.kind = ZoomErrorKind.VALIDATION
    _rebuild_args(error)
    return error


def _rate_limit(error: ZoomError, response: httpx.Response, lowered: str, now: datetime) -> None:
    limit_type = response.headers.get("x-ratelimit-type", "").lower()
    seconds, at = parse_retry_after(response.headers.get("retry-after"), now)
    if "daily" in limit_type or "daily" in lowered:
        error.kind = ZoomErrorKind.DAILY_LIMIT
        # Without a header, Zoom's per-user daily message says "resume ... at GMT 00:00:00".
        error.reset_at = at or datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(0), UTC)
        error.retry_after = max(0.0, (error.reset_at - now).total_seconds())
    else:
        error.kind = ZoomErrorKind.RATE_LIMITED
        error.retry_after = seconds
        error.reset_at = at
    category = response.headers.get("x-ratelimit-category", "")
    if category:
        error.details["rate_category"] = category[:40]  # Light, Medium, Heavy, Resource-intensive


def oauth_error_from_response(
    response: httpx.Response, *, operation: str, secrets: Iterable[str] = ()
) -> ZoomError:
    """Classify a token/revoke endpoint failure: ``{"reason", "error"}`` or ``{"code", "message"}``."""
    status = response.status_code
    body = _body(response)
    error_name = body.get("error")
    raw_code = body.get("code", error_name)
    code: int | str | None = raw_code if isinstance(raw_code, int | str) else None
    numeric = _int_or_none(code)
    message = str(body.get("reason") or body.get("message") or "") if body else _plain_text(response)
    message = scrub(message, secrets)[:_MAX_MESSAGE]
    if status >= 500:
        kind = ZoomErrorKind.UNAVAILABLE
    elif status == 429:
        kind = ZoomErrorKind.RATE_LIMITED
    elif error_name in _OAUTH_AUTH_ERRORS or numeric in _OAUTH_AUTH_CODES or status == 401:
        kind = ZoomErrorKind.AUTH
    else:
        kind = ZoomErrorKind.VALIDATION
    return ZoomError(
        kind=kind,
        operation=operation,
        status=status,
        code=code,
        message=message,
        tracking_id=response.headers.get("x-zm-trackingid"),
    )


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _rebuild_args(error: ZoomError) -> None:
    # ZoomError renders its text once at construction; fields were filled in afterwards.
    error.args = (str(error),)
