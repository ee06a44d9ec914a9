"""Zoom admins add, deactivate and activate Zoom users from Slack, end to end: signed commands, a confirm
button naming the account and the user, the simulator's POST /users and PUT /users/{userId}/status with
Zoom's rules (admins only, seats, e-mails used once, the daily limit, the plan), and bad input that
changes nothing."""

from __future__ import annotations

import pytest

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import ACCOUNT_ID, OfflineWorld
from bot.sandbox.zoom_simulator.users_admin import accept_invitation
from tests.e2e.test_commands import ALICE, BOB, GENERAL, reply_to, texts
from tests.e2e.test_recording_trash import click

CREATE = "POST /v2/users"
STATUS = "PUT /v2/users/{userId}/status"
CONFIRM = "user_change_confirm"


def zoom_changes(w: OfflineWorld) -> int:
    return w.sim.stats.get(CREATE, 0) + w.sim.stats.get(STATUS, 0)


async def ask(w: OfflineWorld, user: str, command: str) -> Message:
    (question,) = await reply_to(w, user, command)
    return question


async def test_an_admin_creates_a_licensed_user_after_confirming(account_world: OfflineWorld) -> None:
    w = account_world
    question = await ask(w, ALICE, "user create dana@example.com licensed")
    asked = texts([question])
    assert "dana@example.com" in asked and f"`{ACCOUNT_ID}`" in asked and "*Licensed*" in asked
    assert "Create user" in asked and w.sim.stats.get(CREATE, 0) == 0  # only asked so far
    answer = await click(w, ALICE, CONFIRM, question)
    assert "Zoom added" in answer and "invitation" in answer
    dana = w.sim.user("dana@example.com")
    assert (dana.type, dana.status, dana.account_id) == (2, "pending", ACCOUNT_ID)
    assert "You already answered" in await click(w, ALICE, CONFIRM, question)  # a double click
    assert w.sim.stats.get(CREATE, 0) == 1
    assert "dana@example.com" not in texts(await reply_to(w, ALICE, "users"))  # invited, not joined yet
    accept_invitation(w.sim, "dana@example.com")
    assert "dana@example.com" in texts(await reply_to(w, ALICE, "users"))


async def test_basic_is_the_default_and_deactivate_then_activate(account_world: OfflineWorld) -> None:
    w = account_world
    await click(w, ALICE, CONFIRM, await ask(w, ALICE, "user create erin@example.com"))
    assert w.sim.user("erin@example.com").type == 1
    question = await ask(w, ALICE, "user deactivate bob@example.com")
    asked = texts([question])
    assert "Bob Example" in asked and "bob@example.com" in asked and f"`{ACCOUNT_ID}`" in asked
    assert w.sim.user("bob@example.com").status == "active"  # nothing yet
    assert "is deactivated" in await click(w, ALICE, CONFIRM, question)
    assert w.sim.user("bob@example.com").status == "inactive"
    assert "active again" in await click(
        w, ALICE, CONFIRM, await ask(w, ALICE, "user activate bob@example.com")
    )
    assert w.sim.user("bob@example.com").status == "active"
    assert w.sim.stats.get(STATUS, 0) == 2


async def test_a_member_is_refused_and_zoom_is_not_asked_to_change_anything(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    for command in ("user create frank@example.com", "user deactivate carol@example.com"):
        refused = texts(await reply_to(w, BOB, command))  # bob is a member of the account
        assert "Owner" in refused and "Admin" in refused and "add" in refused and "What to do" in refused
    assert zoom_changes(w) == 0 and w.sim.find_user("frank@example.com") is None


async def test_a_deactivated_admin_is_refused_though_zoom_still_names_the_role(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    w.sim.user("alice@example.com").status = "inactive"  # the owner, deactivated in Zoom's portal
    for command in ("user create dana@example.com", "users", "audit"):
        body = texts(await reply_to(w, ALICE, command))
        assert "(deactivated)" in body and "What to do" in body, body
    assert zoom_changes(w) == 0


async def test_user_mode_says_why_without_calling_zoom(linked_world: OfflineWorld) -> None:
    w = linked_world
    before = dict(w.sim.stats)
    for command in (
        "user create frank@example.com",
        "user deactivate bob@example.com",
        "user activate x@y.org",
    ):
        assert "account mode" in texts(await reply_to(w, ALICE, command)), command
    assert w.sim.stats == before


async def test_bad_input_gets_a_clear_hint_and_changes_nothing(account_world: OfflineWorld) -> None:
    w = account_world
    unreadable = {
        "user create not-an-email": "doesn't look like an e-mail address",
        "user create": "Give the new user's e-mail address",
        "user create dana@example.com premium": "`basic` or `licensed`",
        "user deactivate": "Give the e-mail address of the user to deactivate",
        "user deactivate a@example.com b@example.com": "takes one e-mail address",
    }
    for command, words in unreadable.items():  # answered in the ack, with the usage line
        answer = str((await w.driver.slash(ALICE, GENERAL, command)).json())
        assert words in answer and "/zoom user create" in answer, command
    unknown = texts(await reply_to(w, ALICE, "user deactivate ghost@example.com"))
    assert "Zoom has no user `ghost@example.com`" in unknown and "1001" in unknown
    forged = await w.driver.block_action(ALICE, GENERAL, CONFIRM, "deactivate|basic|not an email")
    assert forged.status_code == 200
    mine = texts(await reply_to(w, ALICE, "user deactivate alice@example.com"))
    assert "your own Zoom user" in mine
    assert zoom_changes(w) == 0 and w.sim.user("alice@example.com").status == "active"


async def test_an_old_button_is_checked_again_before_anything_changes(account_world: OfflineWorld) -> None:
    w = account_world
    question = await ask(w, ALICE, "user deactivate bob@example.com")
    w.sim.user("bob@example.com").status = "inactive"  # another admin was quicker, in Zoom's portal
    answer = await click(w, ALICE, CONFIRM, question)
    assert "deactivated already" in answer and w.sim.stats.get(STATUS, 0) == 0
    assert "active already" in texts(await reply_to(w, ALICE, "user activate carol@example.com"))


@pytest.mark.parametrize(
    ("setup", "command", "words"),
    [
        (lambda w: None, "user create carol@example.com", ("already has a user", "1005")),
        (
            lambda w: setattr(w.sim.accounts[ACCOUNT_ID], "licensed_seats", 3),
            "user create dana@example.com licensed",
            ("no licensed seat left", "2034", "/zoom user create &lt;email&gt; basic"),
        ),
        (
            lambda w: setattr(w.sim.accounts[ACCOUNT_ID], "basic_seats", 0),
            "user create dana@example.com",
            ("no basic seat left", "2033"),
        ),
        (
            lambda w: setattr(w.sim, "user_create_limit", 0),
            "user create dana@example.com",
            ("created as many users today", "1,500 on Pro", "00:00 UTC"),
        ),
        (
            lambda w: setattr(w.sim.accounts[ACCOUNT_ID], "plan", "basic"),
            "user create dana@example.com",
            ("Pro or higher plan", "code 200"),
        ),
        (
            lambda w: setattr(w.sim.user("carol@example.com"), "role", "admin"),
            "user deactivate carol@example.com",
            ("an account admin or a Zoom Room", "Member first"),
        ),
    ],
    ids=["user-exists", "no-licence", "no-basic-seat", "daily-limit", "plan", "admin-target"],
)
async def test_zoom_refusals_get_their_own_hints(
    account_world: OfflineWorld, setup: object, command: str, words: tuple[str, ...]
) -> None:
    w = account_world
    setup(w)  # type: ignore[operator]
    users_before = {u.email: (u.status, u.type) for u in w.sim.users.values()}
    answer = await click(w, ALICE, CONFIRM, await ask(w, ALICE, command))
    for word in words:
        assert word in answer, word
    assert "What to do" in answer
    assert {u.email: (u.status, u.type) for u in w.sim.users.values()} == users_before  # nothing changed
