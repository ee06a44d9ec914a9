"""Classification of Zoom failures into ZoomError kinds, Retry-After parsing, scope parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.zoom.classify import (
    error_from_response,
    oauth_error_from_response,
    parse_missing_scopes,
    parse_retry_after,
)
from bot.zoom.errors import ZoomErrorKind

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _response(
    status: int, body: Any = None, headers: dict[str, str] | None = None, text: str | None = None
) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def _classify(status: int, body: Any = None, *, meeting_path: bool = False, **kw: Any) -> Any:
    return error_from_response(
        _response(status, body, **kw), operation="do it", meeting_path=meeting_path, now=NOW
    )


@pytest.mark.parametrize(
    ("status", "body", "meeting_path", "kind"),
    [
        (401, {"code": 124, "message": "Invalid access token."}, False, ZoomErrorKind.AUTH),
        (400, {"code": 124, "message": "Access token is expired."}, False, ZoomErrorKind.AUTH),
        (404, {"code": 1001, "message": "User does not exist: x."}, False, ZoomErrorKind.USER_NOT_FOUND),
        (
            400,
            {"code": 1010, "message": "User does not belong to this account"},
            False,
            ZoomErrorKind.USER_NOT_FOUND,
        ),
        (400, {"code": 1120, "message": "A valid invitation..."}, False, ZoomErrorKind.USER_NOT_FOUND),
        (404, {"code": 3001, "message": "Meeting does not exist: 1."}, True, ZoomErrorKind.MEETING_NOT_FOUND),
        (404, {"code": 3301, "message": "There is no recording"}, False, ZoomErrorKind.MEETING_NOT_FOUND),
        (404, {"code": 9999, "message": "Not found"}, True, ZoomErrorKind.MEETING_NOT_FOUND),
        (400, {"code": 200, "message": "No permission."}, False, ZoomErrorKind.PERMISSION),
        (400, {"code": 3003, "message": "Not meeting host."}, True, ZoomErrorKind.PERMISSION),
        (400, {"code": 3161, "message": "not allowed meeting hosting"}, False, ZoomErrorKind.PERMISSION),
        (
            400,
            {"code": 3000, "message": "You cannot schedule a meeting for b@x.com"},
            False,
            ZoomErrorKind.SCHEDULE_PRIVILEGE,
        ),
        (
            400,
            {
                "code": 3000,
                "message": "Instant meetings do not support the schedule_for parameter, "
                "can not schedule a meeting for b@x",
            },
            False,
            ZoomErrorKind.SCHEDULE_PRIVILEGE,
        ),
        (
            403,
            {"code": 403, "message": "Authenticated user has not permitted access to the targeted resource."},
            False,
            ZoomErrorKind.SHARED_ACCESS,
        ),
        (400, {"code": 300, "message": "Validation Failed."}, False, ZoomErrorKind.VALIDATION),
        (400, {"code": 3000, "message": "Cannot access webinar info."}, False, ZoomErrorKind.VALIDATION),
        (503, {"code": 503, "message": "down"}, False, ZoomErrorKind.UNAVAILABLE),
        (500, None, False, ZoomErrorKind.UNAVAILABLE),
    ],
)
def test_codes_map_to_kinds(status: int, body: Any, meeting_path: bool, kind: ZoomErrorKind) -> None:
    error = _classify(status, body, meeting_path=meeting_path)
    assert error.kind == kind
    assert error.status == status


def test_fields_carry_code_message_and_tracking_id() -> None:
    error = _classify(
        404,
        {"code": 3001, "message": "Meeting does not exist: 5."},
        headers={"x-zm-trackingid": "v=2.0;rid=abc"},
    )
    assert (error.code, error.message, error.tracking_id) == (
        3001,
        "Meeting does not exist: 5.",
        "v=2.0;rid=abc",
    )
    assert "3001" in str(error) and "abc" in str(error)


@pytest.mark.parametrize(
    ("message", "scopes"),
    [
        (
            "Invalid access token, does not contain scopes:[user:read:list_users:admin].",
            ("user:read:list_users:admin",),
        ),
        (
            "Invalid access token, does not contain scopes:[recording:write:admin, recording:read:admin]",
            ("recording:write:admin", "recording:read:admin"),
        ),
        (
            "Invalid access token, does not contain scopes: [meeting:read , meeting:write]",
            ("meeting:read", "meeting:write"),
        ),
        (
            "Invalid access token, does not contain scopes: meeting:read:meeting, meeting:write:meeting.",
            ("meeting:read:meeting", "meeting:write:meeting"),
        ),
        ("Invalid access token, does not contain scopes", ()),
    ],
)
def test_missing_scopes_parsed_from_variants(message: str, scopes: tuple[str, ...]) -> None:
    assert parse_missing_scopes(message) == scopes
    error = _classify(400, {"code": 4711, "message": message})
    assert error.kind == ZoomErrorKind.SCOPE
    assert error.missing_scopes == scopes


def test_4700_is_scope_too() -> None:
    error = _classify(401, {"code": 4700, "message": "Invalid access token, does not contain scopes:[a:b]."})
    assert error.kind == ZoomErrorKind.SCOPE and error.missing_scopes == ("a:b",)


def test_retry_after_seconds_http_date_and_iso() -> None:
    assert parse_retry_after("2", NOW) == (2.0, NOW + timedelta(seconds=2))
    at = NOW + timedelta(seconds=90)
    assert parse_retry_after(at.strftime("%a, %d %b %Y %H:%M:%S GMT"), NOW) == (90.0, at)
    assert parse_retry_after("2026-03-03T00:00:00Z", NOW) == (9 * 3600.0, datetime(2026, 3, 3, tzinfo=UTC))
    assert parse_retry_after("garbage", NOW) == (None, None)
    assert parse_retry_after("-5", NOW) == (None, None)
    assert parse_retry_after(None, NOW) == (None, None)
    # A date in the past means "now".
    assert parse_retry_after("2020-01-01T00:00:00Z", NOW)[0] == 0.0


@given(st.text(max_size=60))
def test_retry_after_never_raises(value: str) -> None:
    seconds, at = parse_retry_after(value, NOW)
    assert (seconds is None) == (at is None)
    assert seconds is None or seconds >= 0


def test_qps_429_is_rate_limited_with_retry_after() -> None:
    error = _classify(
        429,
        {
            "code": 429,
            "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
        },
        headers={"Retry-After": "1", "X-RateLimit-Type": "QPS"},
    )
    assert error.kind == ZoomErrorKind.RATE_LIMITED and error.retry_after == 1.0


def test_daily_429_by_header_has_reset_at() -> None:
    error = _classify(
        429,
        {"code": 429, "message": "limit"},
        headers={"Retry-After": "2026-03-03T00:00:00Z", "X-RateLimit-Type": "Daily-limit"},
    )
    assert error.kind == ZoomErrorKind.DAILY_LIMIT
    assert error.reset_at == datetime(2026, 3, 3, tzinfo=UTC)


def test_daily_429_by_message_alone_resets_at_utc_midnight() -> None:
    message = (
        "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted "
        "for this particular user. You may resume these requests at GMT 00:00:00."
    )
    error = _classify(429, {"code": 429, "message": message})
    assert error.kind == ZoomErrorKind.DAILY_LIMIT
    assert error.reset_at == datetime(2026, 3, 3, tzinfo=UTC)


def test_non_json_error_body_is_summarised() -> None:
    error = _classify(502, text="<html><body><h1>502 Bad Gateway</h1></body></html>")
    assert error.kind == ZoomErrorKind.UNAVAILABLE
    assert error.message == "502 Bad Gateway"
    assert error.code is None


def test_secrets_echoed_by_zoom_are_scrubbed() -> None:
    token = "simat_secret_token_value"
    response = _response(400, {"code": 300, "message": f"bad token {token}"})
    error = error_from_response(response, operation="x", meeting_path=False, now=NOW, secrets=(token,))
    assert token not in str(error) and token not in error.message


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (400, {"reason": "Invalid Token!", "error": "invalid_grant"}, ZoomErrorKind.AUTH, "invalid_grant"),
        (
            401,
            {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
            ZoomErrorKind.AUTH,
            "invalid_client",
        ),
        (400, {"code": 4733, "message": "Code is expired"}, ZoomErrorKind.AUTH, 4733),
        (400, {"code": 4734, "message": "Invalid authorization code"}, ZoomErrorKind.AUTH, 4734),
        (
            400,
            {"reason": "Unsupported grant type", "error": "unsupported_grant_type"},
            ZoomErrorKind.VALIDATION,
            "unsupported_grant_type",
        ),
        (503, None, ZoomErrorKind.UNAVAILABLE, None),
    ],
)
def test_oauth_errors(status: int, body: Any, kind: ZoomErrorKind, code: Any) -> None:
    error = oauth_error_from_response(_response(status, body), operation="refresh")
    assert (error.kind, error.code) == (kind, code)
    if body and "reason" in body:
        assert error.message == body["reason"]
