"""The link flow: PKCE, single-use state, e-mail binding, conflicts, unlink — over the real
ZoomOAuth against the simulator on loopback and a real database."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from datetime import timedelta

import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.services.link_flow import LinkFlow, LinkRefusal, new_pkce, pkce_challenge
from bot.store.db import Database
from bot.store.links import LinkStore
from bot.store.oauth_states import OAuthStateStore
from bot.store.vault import TokenVault
from bot.zoom.account_tokens import StaticTokenSource
from bot.zoom.client import UserZoom
from bot.zoom.errors import ZoomErrorKind
from bot.zoom.http import ZoomHttp
from bot.zoom.models import ZoomUser
from bot.zoom.oauth import ZoomOAuth
from tests.kit.zoom_link import consent

ALICE = "alice@example.com"


@pytest.fixture
def links(db: Database, vault: TokenVault) -> LinkStore:
    return LinkStore(db, vault)


@pytest.fixture
def states(db: Database, vault: TokenVault) -> OAuthStateStore:
    return OAuthStateStore(db, vault)


@pytest.fixture
def flow(oauth: ZoomOAuth, states: OAuthStateStore, links: LinkStore, http: ZoomHttp) -> LinkFlow:
    async def read_zoom_user(token: str) -> ZoomUser:
        return await UserZoom(http, StaticTokenSource(token)).get_user()

    return LinkFlow(oauth, states, links, read_zoom_user)


def emails(mapping: dict[tuple[str, str], str]):  # type: ignore[no-untyped-def]
    async def lookup(team_id: str, user_id: str) -> str | None:
        return mapping.get((team_id, user_id))

    return lookup


def test_pkce_pair_is_s256() -> None:
    verifier, challenge = new_pkce()
    assert 43 <= len(verifier) <= 128
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert challenge == digest == pkce_challenge(verifier)
    assert new_pkce()[0] != verifier


async def test_link_flow_stores_the_link(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    code, state = await consent(http.client, await flow.begin("T1", "U1"), ALICE)
    result = await flow.complete(code, state, emails({("T1", "U1"): "Alice@Example.com"}))
    assert result.ok and result.reason == LinkRefusal.LINKED
    assert (result.team_id, result.user_id, result.zoom_email) == ("T1", "U1", ALICE)
    row = await links.get("T1", "U1")
    assert row is not None and row.zoom_user_id == sim.user(ALICE).id and row.status == "active"
    assert row.access_expires_at == sim_clock.now() + timedelta(seconds=3599)
    assert "meeting:write:meeting" in row.scopes
    assert row.refresh_token in sim.issued_secrets()


async def test_wrong_verifier_is_refused_and_nothing_stored(
    flow: LinkFlow, oauth: ZoomOAuth, http: ZoomHttp, states: OAuthStateStore, links: LinkStore
) -> None:
    state = await states.issue("T1", "U1", new_pkce()[0])  # the state's verifier ...
    _, other_challenge = new_pkce()  # ... is not the one behind this challenge
    code, _ = await consent(http.client, oauth.authorize_url(state, other_challenge), ALICE)
    result = await flow.complete(code, state, emails({("T1", "U1"): ALICE}))
    assert not result.ok and result.reason == LinkRefusal.CODE_REJECTED
    assert result.error is not None and result.error.kind == ZoomErrorKind.AUTH
    assert await links.get("T1", "U1") is None


async def test_reused_state_is_refused(flow: LinkFlow, http: ZoomHttp, links: LinkStore) -> None:
    url = await flow.begin("T1", "U1")
    code, state = await consent(http.client, url, ALICE)
    assert (await flow.complete(code, state, emails({("T1", "U1"): ALICE}))).ok
    await links.delete("T1", "U1")
    code2, _ = await consent(http.client, url, ALICE)
    again = await flow.complete(code2, state, emails({("T1", "U1"): ALICE}))
    assert not again.ok and again.reason == LinkRefusal.STATE_INVALID
    assert await links.get("T1", "U1") is None


async def test_expired_and_forged_states_are_refused(
    flow: LinkFlow, oauth: ZoomOAuth, http: ZoomHttp, states: OAuthStateStore, links: LinkStore
) -> None:
    from bot.store.models import utcnow

    verifier, challenge = new_pkce()
    expired = await states.issue("T1", "U1", verifier, now=utcnow() - timedelta(minutes=11))
    code, _ = await consent(http.client, oauth.authorize_url(expired, challenge), ALICE)
    assert (
        await flow.complete(code, expired, emails({("T1", "U1"): ALICE}))
    ).reason == LinkRefusal.STATE_INVALID
    code, _ = await consent(http.client, oauth.authorize_url("forged", challenge), ALICE)
    assert (
        await flow.complete(code, "forged", emails({("T1", "U1"): ALICE}))
    ).reason == LinkRefusal.STATE_INVALID
    assert await links.get("T1", "U1") is None


async def test_two_parallel_callbacks_with_one_state(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore
) -> None:
    code, state = await consent(http.client, await flow.begin("T1", "U1"), ALICE)
    results = await asyncio.gather(
        *(flow.complete(code, state, emails({("T1", "U1"): ALICE})) for _ in range(2))
    )
    assert sorted(r.ok for r in results) == [False, True]
    assert await links.get("T1", "U1") is not None


async def test_email_mismatch_is_refused_revoked_and_not_stored(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore, sim: ZoomSimulator
) -> None:
    # U1 forwarded their link; Bob completed consent with his own Zoom account.
    code, state = await consent(http.client, await flow.begin("T1", "U1"), "bob@example.com")
    result = await flow.complete(code, state, emails({("T1", "U1"): ALICE}))
    assert not result.ok and result.reason == LinkRefusal.EMAIL_MISMATCH
    assert result.zoom_email == "bob@example.com"
    assert await links.get("T1", "U1") is None
    bob_grants = [g for g in sim.tokens_issued if g.user_email == "bob@example.com"]
    assert [g.ended for g in bob_grants] == ["revoked"]


async def test_requester_without_slack_email_is_refused(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore
) -> None:
    code, state = await consent(http.client, await flow.begin("T1", "U1"), ALICE)
    result = await flow.complete(code, state, emails({}))
    assert result.reason == LinkRefusal.EMAIL_MISMATCH and await links.get("T1", "U1") is None


async def test_zoom_account_linked_to_another_slack_user_is_refused(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore
) -> None:
    both = emails({("T1", "U1"): ALICE, ("T1", "U2"): ALICE})
    code, state = await consent(http.client, await flow.begin("T1", "U1"), ALICE)
    assert (await flow.complete(code, state, both)).ok
    code, state = await consent(http.client, await flow.begin("T1", "U2"), ALICE)
    result = await flow.complete(code, state, both)
    assert not result.ok and result.reason == LinkRefusal.ALREADY_LINKED_ELSEWHERE
    assert await links.get("T1", "U2") is None
    first = await links.get("T1", "U1")
    assert first is not None and first.zoom_email == ALICE


async def test_unlink_revokes_at_zoom_and_deletes(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore, sim: ZoomSimulator
) -> None:
    code, state = await consent(http.client, await flow.begin("T1", "U1"), ALICE)
    assert (await flow.complete(code, state, emails({("T1", "U1"): ALICE}))).ok
    result = await flow.unlink("T1", "U1")
    assert result.was_linked and result.revoked_at_zoom
    assert await links.get("T1", "U1") is None
    assert all(g.ended is not None for g in sim.tokens_issued if g.user_email == ALICE)
    assert sim.stats["POST /oauth/revoke"] == 1
    again = await flow.unlink("T1", "U1")
    assert not again.was_linked and not again.revoked_at_zoom


async def test_unlink_still_deletes_when_zoom_is_down(
    flow: LinkFlow, http: ZoomHttp, links: LinkStore, sim: ZoomSimulator
) -> None:
    code, state = await consent(http.client, await flow.begin("T1", "U1"), ALICE)
    assert (await flow.complete(code, state, emails({("T1", "U1"): ALICE}))).ok
    sim.inject("POST /oauth/revoke", status=503, times=2)
    result = await flow.unlink("T1", "U1")
    assert result.was_linked and not result.revoked_at_zoom
    assert await links.get("T1", "U1") is None
