"""Zoom's refusals and failures explained: which Zoom answer means what, and who can fix it."""

from __future__ import annotations

import math
import re
from datetime import tzinfo

from bot.slack.hints.hint import Hint, Mode, new_reference
from bot.slack.hints.redact import quote_external
from bot.slack.hints.user_admin import user_change_hint
from bot.slack.mrkdwn import date_token, escape, format_meeting_id
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind

SHARED_ACCESS_ARTICLE = "https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063819"


def _zoom_why(error: ZoomError) -> str:
    parts = []
    if error.status is not None:
        parts.append(f"HTTP {error.status}")
    if error.code is not None:
        parts.append(f"code {quote_external(str(error.code), 40)}")
    said = "Zoom answered " + ", ".join(parts) if parts else "Zoom gave no answer"
    if error.message:
        said += f": “{quote_external(error.message)}”"
    if error.tracking_id:
        said += f" (Zoom tracking id `{quote_external(error.tracking_id, 120, redact=False)}`)"
    return said


_SCOPE_LIST = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)


def _missing_scopes(error: ZoomError) -> tuple[str, ...]:
    if error.missing_scopes:
        return error.missing_scopes
    found = _SCOPE_LIST.search(error.message)
    if not found:
        return ()
    return tuple(s.strip(" '\"") for s in found.group(1).split(",") if s.strip(" '\""))


def _code_str(error: ZoomError) -> str:
    return str(error.code) if error.code is not None else ""


def _unavailable(error: ZoomError, operation: str) -> tuple[str, str]:
    """(what, fix) for a transient failure, honest about whether anything changed."""
    if error.status is None:
        what = f"I couldn't reach Zoom to {operation} (no answer in time)."
    else:
        what = f"Zoom had a problem on its side while I tried to {operation}."
    if error.outcome is Outcome.UNKNOWN:
        fix = (
            "It may have gone through anyway. Check `/zoom list` before trying again, "
            "so you don't end up with it twice."
        )
    elif error.outcome is Outcome.CHANGED:
        fix = "Zoom did make the change, but I couldn't finish the rest. Check `/zoom list`."
    else:
        fix = "Nothing was changed. This is usually brief — try again in a minute."
    return what, fix


def refresh_in_progress_hint(operation: str) -> Hint:
    # Our own state, not Zoom's: no "Zoom gave no answer" here (we never asked Zoom).
    return Hint(
        f"Couldn't {operation}",
        "Someone else's renewal of your Zoom authorization is in progress (another zoombot "
        "process started it) and hasn't finished yet.",
        "I waited for it instead of asking Zoom myself, so nothing was sent to Zoom.",
        "Nothing was changed. Try again in a few seconds.",
    )


def idle_link_refused_hint() -> Hint:
    """The one DM sent when Zoom refuses to renew a link nobody had used for a while."""
    return Hint(
        "Your Zoom link has stopped working",
        "You haven't used zoombot for a while, so I renewed your Zoom authorization in the "
        "background, and Zoom refused: it had expired or was revoked in Zoom.",
        None,
        "Link your Zoom account again with the button below (or `/zoom link`). I'll tell you this only once.",
    )


def zoom_hint(error: ZoomError, mode: Mode, operation: str, tz: tzinfo, reference: str | None) -> Hint:
    kind = error.kind
    why = _zoom_why(error)
    title = f"Couldn't {operation}"  # plain text: Hint.text() escapes it
    if error.details.get("user_change") and (found := user_change_hint(error, title, why)) is not None:
        return found
    if kind is ZoomErrorKind.AUTH:
        if mode == "account":
            return Hint(
                title,
                "Zoom refused zoombot's account credentials.",
                why,
                "A Zoom admin should check that zoombot's Server-to-Server OAuth app is activated in the "
                "Zoom App Marketplace, and whoever runs zoombot that `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID` "
                "and `ZOOM_CLIENT_SECRET` belong to it.",
            )
        return Hint(
            title,
            "Your Zoom link has expired or was revoked (in Zoom, or by an admin).",
            why,
            "Run `/zoom link` to link your Zoom account again.",
        )
    if kind is ZoomErrorKind.SCOPE:
        scopes = _missing_scopes(error)
        named = (
            ", ".join(f"`{quote_external(s, 80)}`" for s in scopes) if scopes else "a scope Zoom didn't name"
        )
        what = f"zoombot's Zoom access doesn't include {named}, which this needs."
        if mode == "account":
            fix = (
                "A Zoom admin must add the scope(s) to zoombot's Server-to-Server OAuth app "
                "(Zoom App Marketplace → the app → Scopes). No relinking is needed afterwards."
            )
        else:
            fix = (
                "The owner of zoombot's Zoom app must add the scope(s) in the Zoom App Marketplace "
                "(the app → Scopes); then run `/zoom link` again so your link includes them."
            )
        return Hint(title, what, why, fix)
    if kind is ZoomErrorKind.USER_NOT_FOUND and error.details.get("host"):
        host = quote_external(error.details["host"], 120)
        return Hint(
            title,
            f"Zoom has no user `{host}` in your Zoom account, so nobody here can schedule for them.",
            why,
            "Scheduling for someone works only within one Zoom account. Check the address: for a "
            "Slack mention it's their Slack profile e-mail, which has to be their Zoom e-mail — if "
            "those differ, write `host` and their Zoom e-mail instead.",
        )
    if kind is ZoomErrorKind.USER_NOT_FOUND:
        who = error.details.get("user")
        if who:
            return Hint(
                title,
                f"Zoom has no user `{quote_external(who, 120)}` in this account.",
                why,
                "Check the e-mail address. `/zoom users` lists the account's users.",
            )
        if _code_str(error) == "1120":
            return Hint(
                title,
                "Your Zoom invitation to this account hasn't been accepted (or it expired).",
                why,
                "Accept the invitation e-mail from Zoom, or ask a Zoom admin to send a new one.",
            )
        if mode == "account":
            return Hint(
                title,
                "There is no Zoom user in this account with your Slack e-mail address.",
                why,
                "Ask a Zoom admin to add you to the Zoom account, or make your Slack profile e-mail "
                "match your Zoom e-mail.",
            )
        return Hint(
            title,
            "Zoom no longer knows the user you linked (deleted, or moved to another Zoom account).",
            why,
            "Run `/zoom unlink`, then `/zoom link` with your current Zoom account.",
        )
    if kind is ZoomErrorKind.MEETING_NOT_FOUND:
        raw_id = error.details.get("meeting_id", "")
        shown = f" `{format_meeting_id(int(raw_id))}`" if raw_id.isdigit() and raw_id.isascii() else ""
        if _code_str(error) == "3301":  # the recordings endpoints' "no recording for this meeting"
            return Hint(
                title,
                "Zoom has no recording there any more: it may be in the trash already, recovered, or "
                "emptied from the trash after 30 days.",
                why,
                "`/zoom recordings` and `/zoom recordings trash` show where your recordings are now.",
            )
        return Hint(
            title,
            f"Zoom has no meeting{shown} that you can reach: the id may be mistyped, the meeting may "
            "have been deleted or expired, or it belongs to someone else.",
            why,
            "Check the id with `/zoom list` (it shows your meetings with their ids).",
        )
    if kind is ZoomErrorKind.SCHEDULE_PRIVILEGE:
        return _schedule_privilege_hint(error, title, why)
    if kind is ZoomErrorKind.SHARED_ACCESS:
        return Hint(
            title,
            "Zoom says the authorizing user hasn't allowed zoombot to use their shared access "
            "permissions (needed to act for other users).",
            why,
            "Run `/zoom link` again and tick “Allow this app to use my shared access permissions” on "
            f"Zoom's consent page. Zoom explains it here: <{SHARED_ACCESS_ARTICLE}|Allowing apps access "
            "to shared access permissions>.",
        )
    if kind is ZoomErrorKind.MODE_MISUSE:
        reference = reference or new_reference()
        if mode == "account":
            detail = "in account mode it must name the Zoom user, but it asked Zoom about `me`."
        else:
            detail = "in user mode it must use `me` for your own account, but it sent a user id."
        return Hint(
            title,
            f"This is a bug in zoombot: {detail}",
            why,
            f"Retrying won't help. Please tell whoever runs zoombot and quote `{reference}`.",
            reference,
        )
    if kind is ZoomErrorKind.PERMISSION:
        code = _code_str(error)
        if code == "3003":
            what, fix = (
                "You're not the host of that meeting.",
                "Ask the host to make the change, or to add you as an alternative host.",
            )
        elif code == "3161":
            what, fix = (
                "Your Zoom user isn't allowed to host or schedule meetings.",
                "Ask a Zoom admin to enable meeting hosting for your user (User Management → Users).",
            )
        elif "dashboard" in error.message.lower():
            what, fix = (
                "Your Zoom plan has no Dashboard: it comes with Business and higher plans, and an "
                "admin must turn it on.",
                "Ask your Zoom account's owner about the plan (Zoom web portal → Account Management → "
                "Account Settings → Admin Options → Dashboard). `/zoom usage` works on Pro.",
            )
        elif "paid" in error.message.lower():
            what, fix = (
                "This needs a paid Zoom plan or licence.",
                "Ask a Zoom admin to assign you a licence (User Management → Users → edit your user).",
            )
        else:
            what, fix = (
                "Your Zoom role or plan doesn't allow this.",
                "Ask a Zoom admin to grant the permission to your role (User Management → Roles).",
            )
        return Hint(title, what, why, fix)
    if kind is ZoomErrorKind.RATE_LIMITED:
        if error.retry_after is not None and error.retry_after > 0:
            seconds = min(math.ceil(error.retry_after), 3600)
            wait = f"Try again in about {seconds} second{'s' if seconds != 1 else ''}."
        else:
            wait = "Try again in a few seconds."
        what = "Zoom is rate-limiting requests for your Zoom account right now."
        if error.details.get("paced"):
            what = (
                "Your Zoom account is busy: Zoom allows each account only so many requests a "
                "second, and zoombot holds back rather than have Zoom refuse them. Nothing was sent."
            )
        if error.details.get("rate_category", "").lower() == "resource-intensive":
            what = (
                "Zoom lets each account read its Dashboard only 10–20 times a minute, and that many "
                "reads happened in the last minute."
            )
        return Hint(title, what, why, wait)
    if kind is ZoomErrorKind.DAILY_LIMIT:
        if error.reset_at is not None:
            when = date_token(error.reset_at, "{date_short_pretty} at {time}", fallback_tz=tz)
            wait = f"Try again after {when}."
        else:
            wait = "Try again tomorrow (Zoom resets daily limits at 00:00 UTC)."
        if error.details.get("paced"):  # our own count (bot/zoom/host_writes.py): Zoom was not asked
            return Hint(
                title,
                "The meeting's host has no meeting creates or changes left today, so zoombot did not "
                "send this request to Zoom.",
                "Zoom allows each host 100 meeting creates and changes a day, counted across every app "
                "on the account, and resets the count at 00:00 UTC. zoombot counts them so Zoom "
                "doesn't have to refuse.",
                f"Nothing was changed. {wait}",
            )
        return Hint(
            title,
            "You've reached Zoom's daily limit for this (Zoom allows 100 meeting creates/updates "
            "per user per day).",
            why,
            wait,
        )
    if kind is ZoomErrorKind.UNAVAILABLE:
        what, fix = _unavailable(error, escape(operation))
        return Hint(title, what, why, fix)
    if kind is ZoomErrorKind.VALIDATION:
        fields = "; ".join(
            f"{quote_external(k, 60)}: {quote_external(v, 120)}" for k, v in list(error.details.items())[:5]
        )
        what = "Zoom refused the details I sent."
        if fields:
            what += f" ({fields})"
        return Hint(title, what, why, "Check what you typed and try again. `/zoom help` shows every form.")
    reference = reference or new_reference()
    return Hint(
        title,
        "Zoom returned an error I don't recognise.",
        why,
        f"Try again. If it keeps happening, tell whoever runs zoombot and quote `{reference}`.",
        reference,
    )


_SCHEDULE_FOR = re.compile(r"schedule a meeting for\s+(\S+?)\.?$", re.IGNORECASE)


_GRANT_PRIVILEGE = (
    "Settings → Meeting → *Schedule Privilege*, clicks + next to *Assign scheduling privilege "
    "to* and adds your Zoom e-mail. Then try again; `/zoom schedulers` shows whom you can "
    "schedule for."
)


def no_privilege_hint(title: str, host: str, why: str | None) -> Hint:
    shown = f"`{quote_external(host, 120)}`"
    return Hint(
        title,
        f"{shown} hasn't given you scheduling privilege in Zoom, so I can't schedule or list "
        "meetings for them.",
        why,
        f"Only {shown} can grant it: they sign in to the Zoom web portal → {_GRANT_PRIVILEGE}",
    )


def _schedule_privilege_hint(error: ZoomError, title: str, why: str) -> Hint:
    host = error.details.get("host")
    if host is None and (named := _SCHEDULE_FOR.search(error.message)) is not None:
        host = named.group(1)
    if host:
        return no_privilege_hint(title, host, why)
    return Hint(
        title,
        "You don't have scheduling privilege for that Zoom user, so I can't act for them.",
        why,
        f"Only that user can grant it: they sign in to the Zoom web portal → {_GRANT_PRIVILEGE}",
    )
