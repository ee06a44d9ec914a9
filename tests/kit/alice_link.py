"""Alice's Zoom link, made through the simulator's real OAuth flow and saved in a real store:
the starting point of the token refresh tests."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.zoom_simulator import ManualClock, TokenGrant, ZoomSimulator
from bot.store.links import LinkRecord, LinkStore
from tests.kit.zoom_link import Login

REFRESH = "POST /oauth/token:refresh_token"  # the simulator's name for a refresh exchange
TEAM, USER = "T1", "U1"


async def link_alice(
    links: LinkStore, sim: ZoomSimulator, sim_login: Login, clock: ManualClock, *, expired: bool
) -> LinkRecord:
    body = await sim_login("alice@example.com")
    user = sim.user("alice@example.com")
    if expired:
        sim.expire_access_tokens("alice@example.com")
    expires = clock.now() + (timedelta(seconds=-1) if expired else timedelta(seconds=3599))
    return await links.save_new_link(
        TEAM,
        USER,
        zoom_user_id=user.id,
        zoom_email=user.email,
        zoom_account_id=user.account_id,
        scopes=body["scope"].split(),
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        access_expires_at=expires,
    )


def _alices_live_grant(sim: ZoomSimulator) -> TokenGrant:
    live = [g for g in sim.tokens_issued if g.user_email == "alice@example.com" and g.ended is None]
    assert len(live) == 1, f"Alice should hold exactly one live grant, not {len(live)}"
    return live[0]


def live_refresh_token(sim: ZoomSimulator) -> str:
    token = _alices_live_grant(sim).refresh_token
    assert token is not None
    return token


def live_access_token(sim: ZoomSimulator) -> str:
    return _alices_live_grant(sim).access_token
