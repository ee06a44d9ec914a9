"""The hints for scheduling for someone else, word for word, and valid Block Kit."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.services.people import HostLookupError, HostProblem
from bot.services.refusals import Refusal, RefusalKind
from bot.slack.hints import SHARED_ACCESS_ARTICLE, Hint, hint_for
from bot.slack.views import hint_message
from bot.zoom.errors import ZoomError, ZoomErrorKind

sys.path.insert(0, str(Path(__file__).parent))
from blockkit import assert_valid_message  # noqa: E402

GRANT = (
    "Settings → Meeting → *Schedule Privilege*, clicks + next to *Assign scheduling privilege to* and adds "
    "your Zoom e-mail. Then try again; `/zoom schedulers` shows whom you can schedule for."
)


def checked(hint: Hint) -> Hint:
    assert_valid_message(hint_message(hint))
    return hint


def test_no_scheduling_privilege_names_the_host_and_where_they_grant_it() -> None:
    error = ZoomError(
        ZoomErrorKind.SCHEDULE_PRIVILEGE,
        "create a meeting",
        status=400,
        code=3000,
        message="You cannot schedule a meeting for dana@corp.com",
        details={"host": "dana@corp.com"},
    )
    hint = checked(hint_for(error, mode="user", operation="schedule a meeting"))
    assert hint.text() == (
        ":warning: *Couldn't schedule a meeting*\n"
        "`dana@corp.com` hasn't given you scheduling privilege in Zoom, so I can't schedule or list "
        "meetings for them.\n"
        "*Why:* Zoom answered HTTP 400, code 3000: “You cannot schedule a meeting for dana@corp.com”\n"
        "*What to do:* Only `dana@corp.com` can grant it: they sign in to the Zoom web portal → " + GRANT
    )


def test_no_scheduling_privilege_reads_the_host_from_zooms_message() -> None:
    error = ZoomError(
        ZoomErrorKind.SCHEDULE_PRIVILEGE,
        "create a meeting",
        status=400,
        code=3000,
        message="You cannot schedule a meeting for ada@example.com",
    )
    assert hint_for(error, mode="user").what.startswith("`ada@example.com` hasn't given you")


def test_account_mode_privilege_check_is_our_refusal_in_our_words() -> None:
    refusal = Refusal(
        RefusalKind.NOT_ASSISTANT,
        "schedule for that user",
        zoom_email="carol@example.com",
        host="alice@example.com",
    )
    hint = checked(hint_for(refusal, mode="account", operation="list your meetings"))
    assert hint.text() == (
        ":warning: *Couldn't list your meetings*\n"
        "`alice@example.com` hasn't given you scheduling privilege in Zoom, so I can't schedule or list "
        "meetings for them.\n"
        "*Why:* zoombot acts through your organisation's Zoom account, which could schedule for anyone, so "
        "it schedules for someone only if Zoom lists you among their assistants; Zoom's list for "
        "`alice@example.com` doesn't include you.\n"
        "*What to do:* Only `alice@example.com` can grant it: they sign in to the Zoom web portal → " + GRANT
    )


def test_shared_access_not_granted_links_zooms_article_and_the_box_to_tick() -> None:
    error = ZoomError(
        ZoomErrorKind.SHARED_ACCESS,
        "create a meeting",
        status=403,
        code=403,
        message="Authenticated user has not permitted access to the targeted resource.",
        details={"host": "alice@example.com"},
    )
    hint = checked(hint_for(error, mode="user", operation="schedule a meeting"))
    assert hint.text() == (
        ":warning: *Couldn't schedule a meeting*\n"
        "Zoom says the authorizing user hasn't allowed zoombot to use their shared access permissions "
        "(needed to act for other users).\n"
        "*Why:* Zoom answered HTTP 403, code 403: “Authenticated user has not permitted access to the "
        "targeted resource.”\n"
        "*What to do:* Run `/zoom link` again and tick “Allow this app to use my shared access "
        "permissions” on Zoom's consent page. Zoom explains it here: "
        f"<{SHARED_ACCESS_ARTICLE}|Allowing apps access to shared access permissions>."
    )


def test_host_outside_the_account() -> None:
    error = ZoomError(
        ZoomErrorKind.USER_NOT_FOUND,
        "create a meeting",
        status=400,
        code=1010,
        message="User does not belong to this account: acc-1.",
        details={"host": "dave@example.org"},
    )
    hint = checked(hint_for(error, mode="user", operation="schedule a meeting"))
    assert hint.text() == (
        ":warning: *Couldn't schedule a meeting*\n"
        "Zoom has no user `dave@example.org` in your Zoom account, so nobody here can schedule for them.\n"
        "*Why:* Zoom answered HTTP 400, code 1010: “User does not belong to this account: acc-1.”\n"
        "*What to do:* Scheduling for someone works only within one Zoom account. Check the address: for a "
        "Slack mention it's their Slack profile e-mail, which has to be their Zoom e-mail — if those "
        "differ, write `host` and their Zoom e-mail instead."
    )


def test_mentioned_person_without_an_email() -> None:
    hint = checked(
        hint_for(HostLookupError(HostProblem.NO_EMAIL, "@dana"), mode="user", operation="schedule a meeting")
    )
    assert hint.text() == (
        ":warning: *Couldn't schedule a meeting*\n"
        "@dana's Slack profile shows no e-mail address, so I can't tell which Zoom user they are.\n"
        "*What to do:* Write `host` and their Zoom e-mail instead, for example "
        '`/zoom schedule "Board sync" tomorrow 3pm host dana@example.com`.'
    )


def test_mentioned_person_unknown_to_slack_when_listing() -> None:
    hint = checked(
        hint_for(
            HostLookupError(HostProblem.UNKNOWN_USER, "@U0GONE"),
            mode="account",
            operation="list your meetings",
        )
    )
    assert hint.text() == (
        ":warning: *Couldn't list your meetings*\n"
        "Slack doesn't know @U0GONE (deactivated, or not in this workspace).\n"
        "*What to do:* Write `host` and their Zoom e-mail instead, for example "
        "`/zoom list host dana@example.com`."
    )
