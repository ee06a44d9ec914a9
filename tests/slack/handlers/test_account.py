"""`help | link | unlink | me` handlers, called directly with the caller and the Slack port."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.server import serve_simulator
from bot.slack.grammar import Help, Link, Me
from bot.slack.handlers import account
from bot.slack.handlers.caller import Caller
from bot.store.db import Database
from bot.store.links import LinkStore
from bot.store.vault import TokenVault
from tests.kit.slack_deps import ALICE, GENERAL, TEAM, ZoomApp, unit_deps


async def test_help_says_the_caller_is_not_linked_yet(alice: Caller) -> None:
    reply = await account.show_help(Help(), alice)
    assert reply.private is not None and reply.public is None
    assert "isn't linked yet" in reply.private["text"]
    assert "/zoom schedule" in reply.private["text"]  # the usage table


async def test_help_for_one_subcommand_gives_its_usage(alice: Caller) -> None:
    reply = await account.show_help(Help("show"), alice)
    assert reply.private is not None and reply.private["text"] == "Usage: /zoom show &lt;meeting-id&gt;"


async def test_link_hands_out_a_single_use_consent_url_bound_to_the_caller(
    alice: Caller, db: Database, vault: TokenVault
) -> None:
    reply = await account.link(Link(), alice)
    assert reply.private is not None and reply.public is None  # the URL is a capability: never public
    [button] = [
        element
        for block in reply.private["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    query = parse_qs(urlsplit(button["url"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]
    assert await LinkStore(db, vault).get(TEAM, ALICE) is None  # nothing is linked until Zoom says yes


async def test_me_in_account_mode_finds_the_zoom_user_by_slack_email_through_the_simulator(
    db: Database, vault: TokenVault, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    async with serve_simulator(sim) as url:
        app = ZoomApp(url, "sim-s2s", "sim-s2s-secret", url + "/unused", account_id="acc-1")
        async with unit_deps(db, vault, clock=sim_clock.now, zoom=app, mode="account") as (deps, _):
            caller = Caller(deps=deps, team_id=TEAM, user_id=ALICE, channel_id=GENERAL)
            reply = await account.me(Me(), caller)
    assert reply.private is not None and "alice@example.com" in str(reply.private)
