"""Adding users to the account and switching them off and on: ``POST /users``, ``PUT /users/{userId}/status``.

Account-level calls (Server-to-Server OAuth, ``user:write:admin`` or the granular
``user:write:user:admin`` / ``user:update:status:admin``). Every failure carries the user it
was about (``details["user"]``) and which change it was (``details["user_change"]``), so the
hint can name both. A create whose answer is lost is not sent again: the user is looked up
instead (Zoom would refuse a second create with 1005, "already used").
"""

from __future__ import annotations

from typing import Literal

from bot.zoom.errors import Outcome, ZoomError
from bot.zoom.http import TokenSource, ZoomHttp
from bot.zoom.ids import ZoomUserRef
from bot.zoom.models import ZoomUser

BASIC, LICENSED = 1, 2  # Zoom's user types
Change = Literal["create", "deactivate", "activate"]


def _about(error: ZoomError, email: str, change: Change) -> ZoomError:
    error.details.setdefault("user", email)
    error.details["user_change"] = change
    error.args = (str(error),)
    return error


class AccountUsers:
    def __init__(self, http: ZoomHttp, tokens: TokenSource) -> None:
        self._http = http
        self._tokens = tokens

    async def create(self, email: str, *, licensed: bool) -> ZoomUser:
        """Add ``email`` to the account; Zoom e-mails them an invitation (action ``create``)."""
        body = {"action": "create", "user_info": {"email": email, "type": LICENSED if licensed else BASIC}}
        try:
            response = await self._http.api(
                "POST", "/users", tokens=self._tokens, operation="create the Zoom user", json=body
            )
        except ZoomError as error:
            if error.outcome is Outcome.UNKNOWN:
                found = await self._find(email)
                if found is not None:
                    return found
            raise _about(error, email, "create") from None
        data = response.json() if response.content else {}
        return ZoomUser.from_zoom({"email": email, **(data if isinstance(data, dict) else {})})

    async def set_status(self, user: ZoomUserRef, *, active: bool) -> None:
        change: Change = "activate" if active else "deactivate"
        try:
            await self._http.api(
                "PUT",
                "/users/{userId}/status",
                tokens=self._tokens,
                operation=f"{change} the Zoom user",
                path_params={"userId": user.value},
                json={"action": change},
            )
        except ZoomError as error:
            raise _about(error, user.value, change) from None

    async def get(self, user: ZoomUserRef) -> ZoomUser:
        """The user as Zoom has them, deactivated or pending ones too."""
        response = await self._http.api(
            "GET",
            "/users/{userId}",
            tokens=self._tokens,
            operation="look up the Zoom user",
            path_params={"userId": user.value},
        )
        return ZoomUser.from_zoom(response.json())

    async def _find(self, email: str) -> ZoomUser | None:
        try:
            return await self.get(ZoomUserRef(email))
        except (ZoomError, ValueError):
            return None
