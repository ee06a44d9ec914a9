"""Who is calling and what they may touch: bearer tokens, scopes, `me`, hosts.

Zoom's rules as the simulator enforces them:

- a user-level token names its own user as ``me`` (or its own id / e-mail); naming
  anyone else needs an ``:admin`` scope, and the 4711 refusal names that scope;
- a server-to-server (account) token has no user, so ``me`` means nothing: the
  simulator answers 400 ``{"code":1001,"message":"User does not exist: me."}`` (a
  simulator choice; Zoom's wording for this case is not documented);
- an assistant holding scheduling privilege for a host may name that host in the path of
  the operations scheduling privilege covers (listing the host's meetings) with an
  ordinary user-level scope, but only if they ticked "Allow this app to use my shared
  access permissions" when authorizing; otherwise 403 "Authenticated user has not
  permitted access to the targeted resource.";
- a meeting is visible to its host, to an assistant holding scheduling privilege for
  the host, and to admins of the host's account (admin scope or account token);
  anyone else gets 3001 "Meeting does not exist", as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.sandbox.zoom_simulator.catalog import Operation
from bot.sandbox.zoom_simulator.meetings import is_expired
from bot.sandbox.zoom_simulator.model import SimMeeting, SimUser, TokenGrant
from bot.sandbox.zoom_simulator.responses import (
    ZoomRefusal,
    invalid_token,
    meeting_not_found,
    missing_scope,
    shared_access_not_permitted,
    user_not_found,
)

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator


@dataclass(frozen=True)
class Principal:
    grant: TokenGrant
    user: SimUser | None  # None for an account (server-to-server) token
    account_id: str

    def holds_any(self, scopes: tuple[str, ...]) -> bool:
        return not self.grant.scopes.isdisjoint(scopes)

    def require_scope(self, op: Operation) -> None:
        if not self.holds_any(op.scopes):
            raise missing_scope(op.granular_scope(admin=self.user is None))


def authenticate(sim: ZoomSimulator, authorization: str | None, now: datetime) -> Principal:
    if not authorization:
        raise invalid_token("Requires an access token.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise invalid_token()
    grant = sim.grant_by_access_token(token.strip())
    if grant is None or grant.ended is not None:
        raise invalid_token()
    if now >= grant.access_expires_at:
        raise invalid_token("Access token is expired.")
    user = None
    if grant.user_id is not None:
        user = sim.user_by_id(grant.user_id)
        if user is None or user.status != "active":
            raise invalid_token()
    return Principal(grant=grant, user=user, account_id=grant.account_id)


def target_user(
    sim: ZoomSimulator, principal: Principal, op: Operation, user_param: str, *, delegable: bool = False
) -> SimUser:
    """Resolve ``{userId}`` (``me``, an id or an e-mail) for ``principal``.

    ``delegable``: the operation is one scheduling privilege covers, so an assistant may name
    the host who granted it (through shared access).
    """
    if user_param.lower() == "me":
        if principal.user is None:
            raise ZoomRefusal(400, 1001, "User does not exist: me.")
        principal.require_scope(op)
        return principal.user
    target = sim.find_user(user_param)
    if principal.user is not None and target is principal.user:
        principal.require_scope(op)
        return target
    if delegable and principal.user is not None and target is not None:
        shared = sim.scheduling_privilege(principal.user.id, target.id)
        if shared is not None:
            principal.require_scope(op)
            if not shared:
                raise shared_access_not_permitted()
            return target
    # Someone else's data: a user-level token needs an admin scope for that.
    if principal.user is not None and not principal.holds_any(op.admin_scopes):
        raise missing_scope(op.granular_scope(admin=True))
    principal.require_scope(op)
    if target is None or target.account_id != principal.account_id:
        raise user_not_found(user_param)
    return target


def meeting_for(
    sim: ZoomSimulator,
    principal: Principal,
    op: Operation,
    meeting_param: str,
    now: datetime,
    *,
    include_deleted: bool = False,
) -> SimMeeting:
    """The meeting ``{meetingId}`` names, if ``principal`` may see it; else 3001."""
    principal.require_scope(op)
    meeting = sim.meeting_by_id(meeting_param)
    if meeting is None or is_expired(meeting, now, count_deleted=not include_deleted):
        raise meeting_not_found(meeting_param)
    if principal.user is None:
        if meeting.account_id == principal.account_id:
            return meeting
        raise meeting_not_found(meeting_param)
    caller = principal.user
    if meeting.host_id == caller.id:
        return meeting
    if sim.scheduling_privilege(caller.id, meeting.host_id) is True:
        return meeting
    if caller.account_id == meeting.account_id and caller.is_admin and principal.holds_any(op.admin_scopes):
        return meeting
    raise meeting_not_found(meeting_param)
