"""zoombot's own refusals, end to end: worded as our rules (never as Zoom's words), in full.

Each reply is compared whole, as Slack receives it through the response URL of a signed
`/zoom` request. The account-only commands in user mode must be refused before any Zoom
request — the simulator's call counters prove it.
"""

from __future__ import annotations

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from bot.slack.mrkdwn import format_meeting_id
from tests.e2e.test_commands import ALICE, BOB, reply_to, schedule

ACCOUNT_MODE_WHY = (
    "*Why:* The account's users, usage and live meetings need a token for the whole account; "
    "a personal Zoom link only ever sees its own user."
)
ACCOUNT_MODE_FIX = (
    "*What to do:* Whoever runs zoombot sets `ZOOM_ACCOUNT_ID` with a Zoom Server-to-Server OAuth app "
    "(README → Creating the Zoom app → Account mode). Until then, `/zoom me` shows your own Zoom user."
)
ACCOUNT_MODE_WHAT = (
    "`/zoom users` and `/zoom user` work only when zoombot runs in account mode, and this zoombot "
    "runs in user mode (each person links their own Zoom account). So do "
    "`/zoom usage`, `/zoom live` and `/zoom audit`."
)


def account_mode_required(title: str) -> str:
    return "\n".join([f":warning: *{title}*", ACCOUNT_MODE_WHAT, ACCOUNT_MODE_WHY, ACCOUNT_MODE_FIX])


async def only_reply(world: OfflineWorld, user: str, text: str) -> Message:
    (reply,) = await reply_to(world, user, text)
    assert reply.kind == "response" and reply.response_type != "in_channel"
    return reply


async def test_users_in_user_mode_needs_account_mode_and_asks_zoom_nothing(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    # Were any Zoom call made, this expired token would also cost a refresh.
    assert w.sim.expire_access_tokens("alice@example.com") == 1
    before = dict(w.sim.stats)
    listing = await only_reply(w, ALICE, "users")
    lookup = await only_reply(w, ALICE, "user bob@example.com")
    unlinked = await only_reply(w, BOB, "users")  # not "link first": linking would not help
    assert listing.text == account_mode_required("Couldn't list the account's users")
    assert lookup.text == account_mode_required("Couldn't look up that user")
    assert unlinked.text == listing.text
    assert w.sim.stats == before  # no REST call, no token refresh


async def test_someone_elses_meeting_is_not_yours(account_world: OfflineWorld) -> None:
    w = account_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Alice only" tomorrow 10am')
    shown = format_meeting_id(meeting.id)  # 10 or 11 digits, grouped as Zoom does
    reply = await only_reply(w, BOB, f"cancel {meeting.id}")
    assert reply.text == "\n".join(
        [
            ":warning: *Couldn't cancel the meeting*",
            f"Meeting `{shown}` isn't yours: another user of your organisation's Zoom account hosts it, "
            "not you (`bob@example.com`).",
            "*Why:* zoombot acts through your organisation's Zoom account, which reaches everyone's "
            "meetings, so it only shows, moves, cancels or sets reminders for meetings you host.",
            "*What to do:* Ask the meeting's host to do it. `/zoom list` shows the meetings you host, "
            "with their ids.",
        ]
    )
    assert [m.id for m in w.sim.meetings_of("alice@example.com")] == [meeting.id]


async def test_admin_commands_name_the_zoom_role_needed(account_world: OfflineWorld) -> None:
    w = account_world
    reply = await only_reply(w, BOB, "users")  # bob is a Zoom member
    assert reply.text == "\n".join(
        [
            ":warning: *Couldn't list the account's users*",
            "Your Zoom role is *Member*, and only Zoom users with the *Owner* or *Admin* role may list, "
            "look up, add, deactivate or activate the account's users, or see its usage, live meetings "
            "and audit trail.",
            "*Why:* zoombot asks Zoom for your role and lets only the Zoom account's owner and admins "
            "see the account's users and figures; being a Slack admin doesn't count.",
            "*What to do:* Ask your Zoom account's owner to give you the Admin role (Zoom web portal → "
            "User Management → Users → your user → Edit → Role), or ask a Zoom admin to run the command.",
        ]
    )


async def test_no_slack_email_says_what_to_fill_in(account_world: OfflineWorld) -> None:
    w = account_world
    w.standin.add_user("U0ERIN", "erin", None, tz="UTC")
    before = dict(w.sim.stats)
    reply = await only_reply(w, "U0ERIN", "list")
    assert reply.text == "\n".join(
        [
            ":warning: *Couldn't list your meetings*",
            "I can't tell which Zoom user you are: Slack gave zoombot no e-mail address for you.",
            "*Why:* This zoombot acts through your organisation's Zoom account and finds your Zoom user "
            "by the e-mail address of your Slack account.",
            "*What to do:* Give your Slack account the same e-mail address as your Zoom user (in Slack: "
            "your profile → Account settings → Email address), then try again. If it has one already, "
            "whoever runs zoombot must add the `users:read.email` scope to the Slack app and reinstall it.",
        ]
    )
    assert w.sim.stats == before  # nobody to ask Zoom about


async def test_home_tab_still_opens_when_the_caller_has_no_slack_email(account_world: OfflineWorld) -> None:
    # The Home tab shows no meetings then (the commands' replies explain why) — but it opens.
    w = account_world
    w.standin.add_user("U0ERIN", "erin", None, tz="UTC")
    await w.driver.app_home_opened("U0ERIN")
    view = await w.standin.wait_for(lambda: next(iter(w.standin.views), None), timeout=30)
    assert "home_new_meeting" in str(view)
