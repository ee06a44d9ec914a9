"""Scheduling for someone else end to end, in both modes: `host @person`, `list host`, `/zoom schedulers`.

The sandbox world gives bob scheduling privilege for alice (shared access allowed); carol has none.
Both worlds check every Zoom request and answer against Zoom's OpenAPI documents, and every
Block Kit payload, at teardown (``tests/e2e/conftest.py``).
"""

from __future__ import annotations

from bot.sandbox.world import ACCOUNT_ID, OfflineWorld
from tests.e2e.test_commands import BOB, reply_to, texts

CAROL = "U0CAROL"
ALICE_MENTION = "<@U0ALICE|alice>"
CREATE = "POST /v2/users/{userId}/meetings"
LIST = "GET /v2/users/{userId}/meetings"
ASSISTANTS = "GET /v2/users/{userId}/assistants"
SCHEDULERS = "GET /v2/users/{userId}/schedulers"
BOARD_SYNC = f'schedule "Board sync" tomorrow 3pm for 45m host {ALICE_MENTION}'


async def linked(world: OfflineWorld, *names: str) -> OfflineWorld:
    for name in names:
        page = await world.link(name)
        assert page.status_code == 200, page.text
    return world


# --- user mode ------------------------------------------------------------------------------


async def test_assistant_schedules_and_lists_for_the_host(world: OfflineWorld) -> None:
    w = await linked(world, "bob")
    body = texts(await reply_to(w, BOB, BOARD_SYNC))
    assert "Scheduled for alice@example.com (they are the host)." in body
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert (meeting.topic, meeting.duration) == ("Board sync", 45)
    assert meeting.assistant_id == w.sim.user("bob@example.com").id  # created with schedule_for
    assert w.sim.meetings_of("bob@example.com") == []

    listing = texts(await reply_to(w, BOB, f"list host {ALICE_MENTION}"))
    assert "alice@example.com's meetings in the next 7 days" in listing and "Board sync" in listing
    assert "Board sync" not in texts(await reply_to(w, BOB, "list"))  # bob's own list is his


async def test_schedulers_lists_whom_you_can_schedule_for(world: OfflineWorld) -> None:
    w = await linked(world, "bob", "carol")
    assert "alice@example.com" in texts(await reply_to(w, BOB, "schedulers"))
    assert "Nobody has given you scheduling privilege in Zoom yet." in texts(
        await reply_to(w, CAROL, "schedulers")
    )
    assert w.sim.stats[SCHEDULERS] == 2


async def test_no_privilege_names_the_host_and_creates_nothing(world: OfflineWorld) -> None:
    w = await linked(world, "carol")
    body = texts(await reply_to(w, CAROL, BOARD_SYNC))
    assert "`alice@example.com` hasn't given you scheduling privilege in Zoom" in body
    assert "code 3000" in body and "Settings → Meeting → *Schedule Privilege*" in body
    assert w.sim.meetings_of("alice@example.com") == [] and w.sim.meetings_of("carol@example.com") == []
    listing = texts(await reply_to(w, CAROL, f"list host {ALICE_MENTION}"))
    assert "hasn't given you scheduling privilege" in listing


async def test_shared_access_not_allowed_points_to_zooms_article(world: OfflineWorld) -> None:
    w = await linked(world, "carol")
    w.sim.grant_scheduling_privilege("carol@example.com", "alice@example.com", shared_access_allowed=False)
    for command in (BOARD_SYNC, f"list today host {ALICE_MENTION}"):
        body = texts(await reply_to(w, CAROL, command))
        assert "Allowing apps access to shared access permissions" in body
        assert "Allow this app to use my shared access permissions" in body and "`/zoom link`" in body
    assert w.sim.meetings_of("alice@example.com") == []


async def test_host_outside_the_zoom_account(world: OfflineWorld) -> None:
    w = await linked(world, "bob")
    body = texts(
        await reply_to(
            w,
            BOB,
            'schedule "Board sync" tomorrow 3pm host <mailto:zed@elsewhere.example|zed@elsewhere.example>',
        )
    )
    assert "Zoom has no user `zed@elsewhere.example` in your Zoom account" in body and "1001" in body
    assert all(not w.sim.meetings_of(p.email) for p in w.people.values())


async def test_mention_without_an_email_is_refused_before_zoom(world: OfflineWorld) -> None:
    w = await linked(world, "bob")
    w.standin.add_user("U0DANA", "dana", None, tz="UTC")
    creates = w.sim.stats.get(CREATE, 0)
    body = texts(await reply_to(w, BOB, 'schedule "Board sync" tomorrow 3pm host <@U0DANA|dana>'))
    assert "@dana's Slack profile shows no e-mail address" in body and "host dana@example.com" in body
    unknown = texts(await reply_to(w, BOB, "list host <@U0NOBODY|ghost>"))
    assert "Slack doesn't know @ghost" in unknown
    assert w.sim.stats.get(CREATE, 0) == creates and w.sim.stats.get(LIST, 0) == 0


async def test_host_with_nothing_after_it_gets_the_usage(world: OfflineWorld) -> None:
    w = await linked(world, "bob")
    response = await w.driver.slash(BOB, "C0GENERAL", 'schedule "Board sync" tomorrow 3pm host')
    body = response.text  # a usage error is the ack itself
    assert "Say who the host is after `host`" in body and "host @dana" in body
    assert w.sim.stats.get(CREATE, 0) == 0


async def test_naming_yourself_just_schedules_for_you(world: OfflineWorld) -> None:
    w = await linked(world, "bob")
    body = texts(await reply_to(w, BOB, 'schedule "Solo" tomorrow 3pm host <@U0BOB|bob>'))
    assert ":white_check_mark: Scheduled." in body and "Scheduled for" not in body
    (meeting,) = w.sim.meetings_of("bob@example.com")
    assert meeting.assistant_id is None
    body = texts(await reply_to(w, BOB, 'schedule "Solo 2" tomorrow 4pm host bob@example.com'))
    assert len(w.sim.meetings_of("bob@example.com")) == 2


async def test_missing_schedulers_scope_is_named(world: OfflineWorld) -> None:
    app = next(iter(world.sim.apps.values()))
    app.scopes.remove("user:read:list_schedulers")
    w = await linked(world, "bob")
    body = texts(await reply_to(w, BOB, "schedulers"))
    assert "`user:read:list_schedulers`" in body and "4711" in body and "/zoom link" in body


async def test_help_shows_the_new_forms(world: OfflineWorld) -> None:
    body = texts(await reply_to(world, BOB, "help"))
    assert "[host @person]" in body and "/zoom schedulers" in body


# --- account mode -----------------------------------------------------------------------------


async def test_account_mode_creates_on_the_hosts_path_after_checking_the_assistants(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    body = texts(await reply_to(w, BOB, BOARD_SYNC))
    assert "Scheduled for alice@example.com" in body
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "Board sync" and w.sim.meetings_of("bob@example.com") == []
    assert w.sim.stats[ASSISTANTS] == 1 and w.sim.stats[CREATE] == 1
    listing = texts(await reply_to(w, BOB, f"list tomorrow host {ALICE_MENTION}"))
    assert "alice@example.com's meetings tomorrow" in listing and "Board sync" in listing
    assert "alice@example.com" in texts(await reply_to(w, BOB, "schedulers"))


async def test_account_mode_refuses_without_privilege_and_sends_no_create(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    body = texts(await reply_to(w, CAROL, BOARD_SYNC))
    assert "`alice@example.com` hasn't given you scheduling privilege in Zoom" in body
    assert "Zoom lists you among their assistants; Zoom's list for `alice@example.com` doesn't" in body
    assert w.sim.stats.get(CREATE, 0) == 0
    listing = texts(await reply_to(w, CAROL, f"list host {ALICE_MENTION}"))
    assert "hasn't given you scheduling privilege" in listing and w.sim.stats.get(LIST, 0) == 0


async def test_account_mode_host_not_in_the_account(account_world: OfflineWorld) -> None:
    body = texts(await reply_to(account_world, BOB, 'schedule "X" tomorrow 3pm host zed@elsewhere.example'))
    assert "Zoom has no user `zed@elsewhere.example` in your Zoom account" in body and "1001" in body


async def test_account_mode_missing_assistants_scope_is_named(account_world: OfflineWorld) -> None:
    w = account_world
    scopes = w.sim.accounts[ACCOUNT_ID].s2s_scopes
    for scope in ("user:read:list_assistants:admin", "user:read:admin", "user:write:admin"):
        scopes.remove(scope)  # the classic admin scopes would reach the list too
    body = texts(await reply_to(w, BOB, BOARD_SYNC))
    assert "`user:read:list_assistants:admin`" in body and "4711" in body
    assert w.sim.meetings_of("alice@example.com") == []
