"""The link flow as a person lives it: Slack button → Zoom consent → the bot's callback page."""

from __future__ import annotations

import html

import httpx

from bot.sandbox.world import OfflineWorld


async def test_linked_page_names_both_accounts(world: OfflineWorld) -> None:
    page = await world.link("alice")
    assert page.status_code == 200
    assert "alice@example.com" in page.text and "linked" in page.text.lower()
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    for secret in world.sim.issued_secrets():
        assert secret not in page.text


async def test_replayed_callback_is_refused(world: OfflineWorld) -> None:
    person = world.person("alice")
    await world.driver.slash(person.slack_id, "C0GENERAL", "link")
    message = await world.standin.wait_for(lambda: next(iter(world.standin.messages), None), timeout=30)
    url = message.blocks[1]["elements"][0]["url"]
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(url + "&login_hint=alice%40example.com")
        callback = consent.headers["location"]
        first = await browser.get(callback)
        second = await browser.get(callback)
    assert first.status_code == 200
    assert second.status_code == 400 and "expired or was already used" in second.text


async def test_forwarded_link_is_refused_and_nothing_stored(world: OfflineWorld) -> None:
    # Alice asks for a link; Bob completes consent with his own Zoom account.
    page = await world.link("alice", as_zoom_user="bob@example.com")
    assert page.status_code == 400
    assert "isn't yours" in html.unescape(page.text)
    assert await world.bot.links.get(world.standin.team_id, "U0ALICE") is None
    assert world.sim.stats.get("POST /oauth/revoke", 0) >= 1  # the stray grant is revoked at Zoom


async def test_zoom_account_linked_to_someone_else_is_refused(world: OfflineWorld) -> None:
    assert (await world.link("alice")).status_code == 200
    # Bob's Slack profile claims Alice's e-mail (e.g. a shared mailbox); the Zoom account is taken.
    world.standin.add_user("U0BOB", "bob", "alice@example.com", tz="Europe/Berlin")
    world.bot.slack.people.forget(world.standin.team_id, "U0BOB")
    page = await world.link("bob", as_zoom_user="alice@example.com")
    assert page.status_code == 400 and "already linked" in page.text
    assert await world.bot.links.get(world.standin.team_id, "U0BOB") is None


async def test_forged_state_is_refused(world: OfflineWorld) -> None:
    async with httpx.AsyncClient() as browser:
        page = await browser.get(
            f"{world.bot_url}/zoom/oauth/callback", params={"code": "x", "state": "forged"}
        )
    assert page.status_code == 400 and "expired or was already used" in page.text


async def test_declined_consent(world: OfflineWorld) -> None:
    async with httpx.AsyncClient() as browser:
        page = await browser.get(f"{world.bot_url}/zoom/oauth/callback", params={"error": "access_denied"})
    assert page.status_code == 400 and "declined" in page.text


async def test_a_token_refused_right_after_sign_in_is_explained_in_zooms_words(world: OfflineWorld) -> None:
    world.sim.inject(
        "GET /v2/users/{userId}", status=401, body={"code": 124, "message": "Invalid access token."}, times=5
    )
    page = await world.link("alice")
    text = html.unescape(page.text)
    assert page.status_code != 200 and "Nothing was linked" in text
    assert "Invalid access token." in text  # what Zoom said, quoted as Zoom's
    assert "(Zoom: Zoom" not in text
