"""Why a Zoom user could not be created, deactivated or activated: Zoom's refusals and zoombot's own.

Zoom's codes for ``POST /users`` and ``PUT /users/{userId}/status`` (its Users API document):
1005 (409) the e-mail is used already, 1009 already holds an active account; 2033, 2034, 2038,
3412 no licence or basic seat left; 200 no permission (a paid-plan prerequisite, or an admin or
Zoom Room whose status can't change); 1107, 1116, 11321 the e-mail's domain is refused; 429 the
account's daily limit for creating users (50 Free, 1,500 Pro, 10,000 Business+).
"""

from __future__ import annotations

from bot.services.refusals import Refusal, RefusalKind
from bot.slack.hints.hint import Hint
from bot.slack.hints.redact import quote_external
from bot.slack.mrkdwn import escape
from bot.zoom.errors import ZoomError, ZoomErrorKind

_EXISTS = {"1005", "1009"}
_NO_SEAT = {"2033", "2034", "2038", "3412"}
_DOMAIN = {"1107", "1116", "11321"}
_FREE_A_SEAT = (
    "Free a seat (`/zoom user deactivate &lt;email&gt;` of someone who no longer needs one), "
    "buy more licences (Zoom web portal → Account Management → Billing), or"
)
USER_ADMIN_REFUSALS = frozenset(
    {
        RefusalKind.DEACTIVATE_SELF,
        RefusalKind.ALREADY_INACTIVE,
        RefusalKind.ALREADY_ACTIVE,
        RefusalKind.USER_PENDING,
    }
)


def _who(email: str | None) -> str:
    return f"`{quote_external(email, 128)}`" if email else "that user"


def user_change_hint(error: ZoomError, title: str, why: str) -> Hint | None:
    """The hint for a Zoom refusal of a user change; None leaves it to the general Zoom hints."""
    code = str(error.code) if error.code is not None else ""
    who = _who(error.details.get("user"))
    change = error.details.get("user_change", "")
    lowered = error.message.lower()
    if code in _EXISTS:
        return Hint(
            title,
            f"Zoom already has a user with the e-mail {who}: in this account, or in another Zoom "
            "account (an e-mail address belongs to one Zoom account only). Nothing was created.",
            why,
            f"`/zoom user {escape(error.details.get('user', '<email>'))}` shows them if they are in this "
            "account; a deactivated one comes back with `/zoom user activate`. If they belong to another "
            "Zoom account, its owner must remove them first, or use a different address.",
        )
    if code in _NO_SEAT or "no available license" in lowered:
        kind = "basic" if "basic" in lowered else "licensed"
        return Hint(
            title,
            f"Your Zoom account has no {kind} seat left for {who}, so Zoom refused. Nothing was changed.",
            why,
            _FREE_A_SEAT
            + (
                " create a Basic user instead: `/zoom user create &lt;email&gt; basic`."
                if change == "create" and kind == "licensed"
                else " ask your Zoom account's owner to raise the limit."
            ),
        )
    if error.kind is ZoomErrorKind.DAILY_LIMIT or (change == "create" and "daily" in lowered):
        return Hint(
            title,
            "Your Zoom account has created as many users today as Zoom allows (50 a day on Free, "
            "1,500 on Pro, 10,000 on Business and higher). Nothing was created.",
            why,
            "Try again tomorrow: Zoom resets the count at 00:00 UTC.",
        )
    if code == "200" and ("admin" in lowered or "zoom room" in lowered):
        return Hint(
            title,
            f"Zoom doesn't let anyone {escape(change)} an account admin or a Zoom Room this way ({who}).",
            why,
            "Change their role to Member first (Zoom web portal → User Management → Users → Edit), "
            "or ask the account's owner.",
        )
    if code == "200" or (error.kind is ZoomErrorKind.PERMISSION and change == "create"):
        return Hint(
            title,
            "Zoom doesn't allow this on your account's plan: adding users needs a Pro or higher plan, "
            "and zoombot's Zoom app needs the *User:Edit* permission.",
            why,
            "Ask your Zoom account's owner about the plan (Zoom web portal → Account Management → "
            "Billing), or add the user in the Zoom web portal (User Management → Users → Add users).",
        )
    if code in _DOMAIN:
        return Hint(
            title,
            f"Zoom won't take {who}: its domain is blocked or outside the domains your account allows.",
            why,
            "Use an address at one of your organisation's domains (Zoom web portal → Account "
            "Management → Account Profile → Associated domains).",
        )
    return None


def user_refusal_hint(refusal: Refusal, title: str) -> Hint:
    """zoombot's own refusals of a user change: looked up first, nothing sent to Zoom."""
    who = _who(refusal.user)
    kind = refusal.kind
    if kind is RefusalKind.DEACTIVATE_SELF:
        return Hint(
            title,
            f"{who} is your own Zoom user: deactivating it would lock you out of Zoom and of "
            "these admin commands.",
            "zoombot never deactivates the admin who asks.",
            "Ask another Zoom admin or the account's owner if it really must go.",
        )
    if kind is RefusalKind.USER_PENDING:
        return Hint(
            title,
            f"{who} hasn't accepted Zoom's invitation yet, so there is nothing to deactivate or activate.",
            "zoombot looked the user up first; Zoom lists them as pending. Nothing was changed.",
            "Ask them to accept the invitation e-mail from Zoom, or delete the pending user in the Zoom "
            "web portal (User Management → Users → Pending).",
        )
    state = "deactivated already" if kind is RefusalKind.ALREADY_INACTIVE else "active already"
    other = "activate" if kind is RefusalKind.ALREADY_INACTIVE else "deactivate"
    return Hint(
        title,
        f"{who} is {state} (someone else may have done it, or it was an old button). Nothing was changed.",
        "zoombot looks the user up in Zoom before it changes anything.",
        f"`/zoom user {escape(refusal.user or '<email>')}` shows them; "
        f"`/zoom user {other}` does the opposite.",
    )
