"""Zoom-shaped error bodies, so every refusal in the simulator reads like Zoom's."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response


class ZoomRefusal(Exception):
    """Raised inside a handler to answer with a Zoom REST error."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return JSONResponse(body, status_code=self.status, headers=self.headers)


class OAuthRefusal(Exception):
    """Raised inside the OAuth handlers: ``{"reason": ..., "error": ...}`` like zoom.us."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(f"{status} {error} {reason}")
        self.status = status
        self.error = error
        self.reason = reason

    def response(self) -> Response:
        return JSONResponse({"reason": self.reason, "error": self.error}, status_code=self.status)


def invalid_token(message: str = "Invalid access token.") -> ZoomRefusal:
    return ZoomRefusal(401, 124, message)


def missing_scope(scope: str) -> ZoomRefusal:
    return ZoomRefusal(400, 4711, f"Invalid access token, does not contain scopes:[{scope}].")


def shared_access_not_permitted() -> ZoomRefusal:
    # The body code is 403 in Zoom's own examples (some sources say 3001): see the project notes.
    return ZoomRefusal(403, 403, "Authenticated user has not permitted access to the targeted resource.")


def user_not_found(user_id: str) -> ZoomRefusal:
    return ZoomRefusal(404, 1001, f"User does not exist: {user_id}.")


def meeting_not_found(meeting_id: object) -> ZoomRefusal:
    return ZoomRefusal(404, 3001, f"Meeting does not exist: {meeting_id}.")


def validation_failed(errors: list[dict[str, str]]) -> ZoomRefusal:
    return ZoomRefusal(400, 300, "Validation Failed.", errors=errors)


def bad_page_token() -> ZoomRefusal:
    return ZoomRefusal(400, 300, "The next page token is invalid or expired.")


def default_fault_body(status: int) -> dict[str, Any]:
    """The body a forced fault answers with when the test gives none."""
    if status == 429:
        return {
            "code": 429,
            "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
        }
    if status == 401:
        return {"code": 124, "message": "Invalid access token."}
    if status >= 500:
        return {"code": status, "message": "Internal server error."}
    return {"code": status, "message": "Simulated failure."}
