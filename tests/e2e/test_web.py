"""The HTTP surface: signature checks answer 401 (never 500), health and metrics."""

from __future__ import annotations

import time

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.world import OfflineWorld
from bot.slack.signature import compute_signature

BODY = (
    b"token=x&team_id=T0001&user_id=U0ALICE&channel_id=C0GENERAL&command=%2Fzoom&text=help"
    b"&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fnowhere"
)


async def post(world: OfflineWorld, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"{world.bot_url}/slack/events",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded", **headers},
        )


def signed(body: bytes, ts: int) -> dict[str, str]:
    return {
        "x-slack-request-timestamp": str(ts),
        "x-slack-signature": compute_signature(world_secret(), str(ts), body),
    }


def world_secret() -> str:
    from bot.sandbox.world import SIGNING_SECRET

    return SIGNING_SECRET


async def test_good_signature_is_accepted(world: OfflineWorld) -> None:
    response = await world.driver.slash("U0ALICE", "C0GENERAL", "help")
    assert response.status_code == 200


async def test_missing_wrong_stale_and_garbage_signatures_get_401(world: OfflineWorld) -> None:
    now = int(time.time())
    cases = [
        {},
        {"x-slack-request-timestamp": str(now), "x-slack-signature": "v0=" + "0" * 64},
        signed(BODY, now - 330),  # the exact ±300 s boundary is unit-tested with a fixed clock
        signed(BODY, now + 330),
        {"x-slack-request-timestamp": "yesterday", "x-slack-signature": "v0=abc"},
    ]
    for headers in cases:
        response = await post(world, BODY, headers)
        assert response.status_code == 401, headers
    non_ascii = [(b"x-slack-request-timestamp", str(now).encode()), (b"x-slack-signature", "v0=ä√".encode())]
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{world.bot_url}/slack/events", content=BODY, headers=non_ascii)
    assert response.status_code == 401
    assert not world.standin.messages  # nothing was done


async def test_non_utf8_body_is_refused_without_a_500(world: OfflineWorld) -> None:
    body = b"text=\xff\xfe&command=%2Fzoom"
    now = int(time.time())
    assert (
        await post(
            world, body, {"x-slack-request-timestamp": str(now), "x-slack-signature": "v0=" + "1" * 64}
        )
    ).status_code == 401
    assert (await post(world, body, signed(body, now))).status_code == 400


async def test_replayed_request_is_refused(world: OfflineWorld) -> None:
    headers = signed(BODY, int(time.time()))
    first = await post(world, BODY, headers)
    second = await post(world, BODY, headers)
    assert first.status_code == 200 and second.status_code == 401


def test_hypothesis_garbage_headers_never_500(world_sync: tuple[str, object]) -> None:
    bot_url, _ = world_sync

    # Any header value HTTP can carry: visible ASCII and Latin-1 bytes (CR, LF and NUL cannot be sent).
    header_text = st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=80
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ts=header_text, sig=header_text, body=st.binary(max_size=300))
    def check(ts: str, sig: str, body: bytes) -> None:
        raw_headers = [
            (b"x-slack-request-timestamp", ts.strip().encode("latin-1")),
            (b"x-slack-signature", sig.strip().encode("latin-1")),
            (b"content-type", b"application/x-www-form-urlencoded"),
        ]
        response = httpx.post(f"{bot_url}/slack/events", content=body, headers=raw_headers, timeout=10)
        assert response.status_code == 401

    check()


async def test_healthz_and_metrics(world: OfflineWorld) -> None:
    async with httpx.AsyncClient() as client:
        health = await client.get(f"{world.bot_url}/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        await world.driver.slash("U0ALICE", "C0GENERAL", "help")
        metrics = await client.get(f"{world.bot_url}/metrics")
    assert metrics.status_code == 200
    assert "zoombot_http_requests_total" in metrics.text


async def test_contract_routes_exist(world: OfflineWorld) -> None:
    async with httpx.AsyncClient() as client:
        install = await client.get(f"{world.bot_url}/slack/install")
        assert install.status_code == 404  # single-workspace mode: no install flow
        webhook = await client.post(f"{world.bot_url}/zoom/webhooks", content=b"{}")
        assert webhook.status_code == 401  # the world sets a webhook secret: unsigned is refused
        callback = await client.get(f"{world.bot_url}/zoom/oauth/callback")
        assert callback.status_code == 400
