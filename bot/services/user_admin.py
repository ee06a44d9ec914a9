"""Zoom admins add users to the account and switch them off and on, each after a confirm button.

:func:`ask` runs when the admin types the command: it checks the caller is a Zoom owner or
admin (account mode only) and, for a status change, that Zoom knows the user and the change
would change something; the admin then sees a question naming the account and the user.
:func:`apply` runs on the confirm click and checks all of it again first (the button may be
old, or someone else may have acted in between), then asks Zoom. The button carries a
:class:`UserChange`: a forged one can do no more than the clicking admin could type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.services.refusals import Refusal, RefusalKind
from bot.services.zoom_access import ZoomActor
from bot.zoom.account_users import AccountUsers
from bot.zoom.errors import ZoomError
from bot.zoom.ids import ZoomUserRef
from bot.zoom.models import ZoomUser

Action = Literal["create", "deactivate", "activate"]
MAX_EMAIL = 128  # Zoom's limit for a new user's e-mail
_VALUE = re.compile(r"(create|deactivate|activate)\|(basic|licensed)\|([^|@\s<>\"]{1,64}@[^|@\s<>\"]{1,120})")


@dataclass(frozen=True)
class UserChange:
    action: Action
    email: str
    licensed: bool = False  # create only: a licensed (paid) user rather than a basic one

    @property
    def operation(self) -> str:
        return f"{self.action} the Zoom user"

    @property
    def audit_action(self) -> str:
        return f"user_{self.action}"

    @property
    def kind(self) -> str:
        return "licensed" if self.licensed else "basic"

    def value(self) -> str:
        """What the confirm button carries."""
        return f"{self.action}|{self.kind}|{self.email}"

    @classmethod
    def parse(cls, value: str) -> UserChange | None:
        """A button's value back into the change; None for an old or forged one."""
        found = _VALUE.fullmatch(value)
        if found is None or len(found.group(3)) > MAX_EMAIL:
            return None
        action: Action = found.group(1)  # type: ignore[assignment]  # the pattern allows only these
        return cls(action, found.group(3), licensed=found.group(2) == "licensed")


@dataclass(frozen=True)
class Question:
    """What the admin is asked to confirm."""

    change: UserChange
    account_id: str
    user: ZoomUser | None  # the user as Zoom has them (a status change); None for a create


async def ask(zoom: ZoomActor, change: UserChange) -> Question:
    users, me = await zoom.account_users(change.operation)
    target = None if change.action == "create" else await _checked_target(users, me, change)
    return Question(change, me.account_id, target)


async def apply(zoom: ZoomActor, change: UserChange) -> ZoomUser:
    """Make the change at Zoom; returns the user as created, or as they were before the change."""
    users, me = await zoom.account_users(change.operation)
    if change.action == "create":
        return await users.create(change.email, licensed=change.licensed)
    target = await _checked_target(users, me, change)
    await users.set_status(ZoomUserRef(change.email), active=change.action == "activate")
    return target


async def _checked_target(users: AccountUsers, me: ZoomUser, change: UserChange) -> ZoomUser:
    target = await _look_up(users, change)
    refuse = None
    if target.status == "pending":
        refuse = RefusalKind.USER_PENDING
    elif change.action == "deactivate" and target.id == me.id:
        refuse = RefusalKind.DEACTIVATE_SELF
    elif change.action == "deactivate" and target.status == "inactive":
        refuse = RefusalKind.ALREADY_INACTIVE
    elif change.action == "activate" and target.status == "active":
        refuse = RefusalKind.ALREADY_ACTIVE
    if refuse is not None:
        raise Refusal(refuse, change.operation, user=target.email or change.email)
    return target


async def _look_up(users: AccountUsers, change: UserChange) -> ZoomUser:
    try:
        return await users.get(ZoomUserRef(change.email))
    except ZoomError as error:
        error.details.setdefault("user", change.email)
        error.details["user_change"] = change.action
        raise
