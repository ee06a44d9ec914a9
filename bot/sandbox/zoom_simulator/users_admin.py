"""Adding users to an account and switching them off and on, with Zoom's rules.

``POST /users`` (``action: create``): owners and admins only (an account token, or an admin's
token with an ``:admin`` scope); a Pro or higher plan; an e-mail not used by any Zoom user yet
(409, 1005); a seat of the asked type left (licensed 2034, basic 2033); and the account's daily
limit of create requests (50 Free, 1,500 Pro, 10,000 Business+; 429 with ``Daily-limit``). The
new user is ``pending`` until they accept Zoom's invitation (``accept_invitation``).

``PUT /users/{userId}/status``: ``deactivate`` frees the user's licence (they come back as a
Basic user) and stops their tokens; ``activate`` needs a basic seat (2033). Owners and admins
can't be switched either way (code 200, as Zoom's document says).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response

from bot.sandbox.zoom_simulator.access import target_user
from bot.sandbox.zoom_simulator.model import SimUser, zoom_time
from bot.sandbox.zoom_simulator.responses import ZoomRefusal, missing_scope, validation_failed

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator
    from bot.sandbox.zoom_simulator.rest import Call

DAILY_CREATES = {"basic": 50, "pro": 1500, "business": 10000}
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. Refer to the response header for "
    "details on when you can make another request."
)
CREATE_ACTIONS = ("create", "autoCreate", "custCreate", "ssoCreate")
STATUS_ACTIONS = ("activate", "deactivate", "clock_in", "clock_out")
_TYPE_NAMES = {1: "Basic", 2: "Licensed"}


def create_user(call: Call) -> Response:
    sim, principal, op = call.sim, call.principal, call.op
    if principal.user is not None and not (principal.user.is_admin and principal.holds_any(op.admin_scopes)):
        raise missing_scope(op.granular_scope(admin=True))
    principal.require_scope(op)
    account = sim.accounts[principal.account_id]
    _count_create(sim, account.account_id, account.plan, call.now)
    if account.plan == "basic":
        raise ZoomRefusal(400, 200, f"Only available for paid account: {account.account_id}")
    body = call.json_object()
    info = body.get("user_info")
    errors = _create_errors(body, info)
    if errors:
        raise validation_failed(errors)
    assert isinstance(info, dict)
    if body["action"] != "create":  # the other ways need SSO, a managed domain or an ISV contract
        raise ZoomRefusal(400, 200, "No permission.")
    email, kind = str(info["email"]).strip(), int(info["type"])
    if sim.find_user(email) is not None:
        raise ZoomRefusal(409, 1005, f'Email "{email}" has already been used.')
    _require_seat(sim, account.account_id, kind, adding=True)
    user = sim.add_user(
        email,
        str(info.get("first_name") or ""),
        str(info.get("last_name") or ""),
        account_id=account.account_id,
        user_type=kind,
        timezone="",
    )
    user.status = "pending"
    return JSONResponse(
        {
            "id": user.id,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "type": user.type,
        },
        status_code=201,
    )


def user_status(call: Call) -> Response:
    user = target_user(call.sim, call.principal, call.op, call.path["userId"])
    action = call.json_object().get("action")
    if action not in STATUS_ACTIONS:
        raise validation_failed([{"field": "action", "message": "Invalid field."}])
    if action not in ("activate", "deactivate"):
        raise ZoomRefusal(400, 200, "No permission.")  # clocking in and out is for Zoom Workforce
    if user.is_admin:
        raise ZoomRefusal(400, 200, "Zoom Room and Admin users' status cannot be activated or deactivated.")
    if user.status == "pending":
        raise ZoomRefusal(
            400, 1120, "A valid invitation to join the Zoom account was not found for this user."
        )
    if action == "deactivate" and user.status == "active":
        user.status = "inactive"
        user.type = 1  # deactivating removes the user's licences
        for grant in call.sim.grants:
            if grant.user_id == user.id and grant.ended is None:
                grant.ended = "revoked"
    elif action == "activate" and user.status == "inactive":
        _require_seat(call.sim, user.account_id, user.type, adding=False)
        user.status = "active"
    return Response(status_code=200)


def accept_invitation(sim: ZoomSimulator, email: str) -> SimUser:
    """The invited user follows the link in Zoom's e-mail: they become an active user."""
    with sim.lock:
        user = sim.user(email)
        user.status = "active"
        return user


def _create_errors(body: dict[str, Any], info: object) -> list[dict[str, str]]:
    errors = []
    if body.get("action") not in CREATE_ACTIONS:
        errors.append({"field": "action", "message": "Invalid field."})
    if not isinstance(info, dict):
        return [*errors, {"field": "user_info", "message": "Invalid field."}]
    email = info.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 128 or any(c.isspace() for c in email):
        errors.append({"field": "user_info.email", "message": "Invalid field."})
    if info.get("type") not in (1, 2):  # 4 and 99 need features this simulator's accounts lack
        errors.append({"field": "user_info.type", "message": "Invalid field."})
    return errors


def _require_seat(sim: ZoomSimulator, account_id: str, kind: int, *, adding: bool) -> None:
    account = sim.accounts[account_id]
    taken = sum(
        1
        for u in sim.users.values()
        if u.account_id == account_id and u.type == kind and u.status in ("active", "pending")
    )
    seats = account.licensed_seats if kind == 2 else account.basic_seats
    if taken < seats:
        return
    if kind == 2:
        raise ZoomRefusal(
            400,
            2034,
            f"Your request to add a new Licensed user could not be approved at this time because your "
            f"account has reached the permitted maximum number of {seats} Licensed users. Please purchase "
            "additional licenses or contact the Zoom support team to provision additional users in your "
            "account.",
        )
    what = "add a basic user" if adding else 'activate the "Basic" user'
    raise ZoomRefusal(
        400,
        2033,
        f"Your request to {what} wasn't approved because you've already reached the maximum basic user "
        "limit allowed in your account. For additional help regarding this issue, contact the Zoom "
        "Customer Support team.",
    )


def _count_create(sim: ZoomSimulator, account_id: str, plan: str, now: datetime) -> None:
    """Count one create request for the account today (UTC), or refuse it with Zoom's daily 429."""
    limit = sim.user_create_limit if sim.user_create_limit is not None else DAILY_CREATES[plan]
    key = (account_id, now.date())
    if sim.user_creates[key] >= limit:
        reset = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
        raise ZoomRefusal(
            429,
            429,
            DAILY_MESSAGE,
            headers={
                "Retry-After": zoom_time(reset),
                "X-RateLimit-Category": "Light",
                "X-RateLimit-Type": "Daily-limit",
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
            },
        )
    sim.user_creates[key] += 1
