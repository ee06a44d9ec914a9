"""The wording of the page a browser shows after Zoom's consent screen (linked, or why not)."""

from __future__ import annotations

from bot.services.link_flow import LinkRefusal, LinkResult
from bot.slack.hints.redact import quote_external
from bot.zoom.errors import ZoomError


def link_outcome_page(result: LinkResult, *, declined: bool = False) -> tuple[str, list[str]]:
    """Title and paragraphs (plain text; the page escapes them) for the OAuth callback page."""
    if result.ok:
        return (
            "Zoom account linked",
            [
                f"The Zoom account {result.zoom_email} is now linked to your Slack user.",
                "Try /zoom new or /zoom list in Slack. /zoom unlink removes the link at any time.",
            ],
        )
    if declined:
        return (
            "Zoom was not linked",
            ["You declined access at Zoom, so nothing was linked.", "Run /zoom link in Slack to try again."],
        )
    reason = result.reason
    if reason == LinkRefusal.STATE_INVALID:
        return (
            "This link has expired or was already used",
            [
                "Each /zoom link button works once, for 10 minutes, and only for the person it was made for.",
                "Nothing was linked. Run /zoom link in Slack to get a fresh one.",
            ],
        )
    if reason == LinkRefusal.EMAIL_MISMATCH:
        return (
            "That Zoom account isn't yours",
            [
                f"You signed in to Zoom as {result.zoom_email or 'another user'}, "
                "which is not the e-mail address of the Slack user who asked for this link.",
                "Nothing was linked and the access Zoom just granted was revoked. "
                "If this link was forwarded to you, run /zoom link yourself in Slack. "
                "Otherwise sign in to Zoom with the same e-mail as your Slack profile and try again.",
            ],
        )
    if reason == LinkRefusal.ALREADY_LINKED_ELSEWHERE:
        return (
            "That Zoom account is already linked",
            [
                f"The Zoom account {result.zoom_email or ''} is linked to another Slack user.",
                "Nothing was changed. That person can run /zoom unlink first, then you can link it.",
            ],
        )
    if reason == LinkRefusal.CODE_REJECTED:
        why = _page_why(result.error)
        return (
            "Zoom refused the sign-in",
            [
                f"Zoom did not accept the authorization.{why}",
                "Nothing was linked. Run /zoom link in Slack to try again.",
            ],
        )
    why = _page_why(result.error)
    return (
        "Zoom could not be reached",
        [
            f"Linking failed because Zoom did not answer properly.{why}",
            "Nothing was linked. Please run /zoom link again in a minute.",
        ],
    )


def _page_why(error: ZoomError | None) -> str:
    if error is None:
        return ""
    code = f" code {error.code}" if error.code is not None else ""
    message = quote_external(error.message, 200, redact=True) if error.message else ""
    return f" (Zoom{code}: {message})" if message or code else ""
