"""The Slack signature check answers "no" to anything odd instead of raising."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.signature import SlackSignatureChecker, compute_signature

SECRET = "test-signing-secret"
NOW = 1_800_000_000


def checker() -> SlackSignatureChecker:
    return SlackSignatureChecker(SECRET, clock=lambda: NOW)


def headers(ts: str, sig: str) -> dict[str, str]:
    return {"x-slack-request-timestamp": ts, "x-slack-signature": sig}


def test_good_signature_passes_once() -> None:
    body = b"command=%2Fzoom&text=help"
    c = checker()
    sig = compute_signature(SECRET, str(NOW), body)
    assert c.check(body, headers(str(NOW), sig)) is None
    assert c.check(body, headers(str(NOW), sig)) == "replayed request"


def test_stale_in_both_directions() -> None:
    body = b"x=1"
    for ts in (NOW - 301, NOW + 301):
        sig = compute_signature(SECRET, str(ts), body)
        assert checker().check(body, headers(str(ts), sig)) == "stale timestamp"
    for ts in (NOW - 299, NOW + 299):
        sig = compute_signature(SECRET, str(ts), body)
        assert checker().check(body, headers(str(ts), sig)) is None


def test_missing_and_wrong() -> None:
    assert checker().check(b"x", {}) == "missing signature"
    assert checker().check(b"x", headers(str(NOW), "v0=" + "0" * 64)) == "wrong signature"
    good = compute_signature(SECRET, str(NOW), b"x")
    assert checker().check(b"y", headers(str(NOW), good)) == "wrong signature"


@given(ts=st.text(max_size=40), sig=st.text(max_size=100), body=st.binary(max_size=500))
def test_garbage_never_raises_and_never_passes(ts: str, sig: str, body: bytes) -> None:
    assert checker().check(body, headers(ts, sig)) is not None


@given(body=st.binary(max_size=2000))
def test_non_utf8_bodies_are_checked_on_raw_bytes(body: bytes) -> None:
    sig = compute_signature(SECRET, str(NOW), body)
    assert checker().check(body, headers(str(NOW), sig)) is None


async def test_the_shared_memory_catches_a_sibling_replay_and_falls_back_when_it_fails() -> None:
    body = b"command=%2Fzoom&text=new"
    request = headers(str(NOW), compute_signature(SECRET, str(NOW), body))
    seen: set[str] = set()

    async def shared(signature: str) -> bool:
        first = signature not in seen
        seen.add(signature)
        return first

    one = SlackSignatureChecker(SECRET, clock=lambda: NOW, shared=shared)
    assert one.check(body, request) is None and not await one.replayed_elsewhere(request)
    # Another process, the same shared memory: its own memory never saw it, the shared one did.
    other = SlackSignatureChecker(SECRET, clock=lambda: NOW, shared=shared)
    assert other.check(body, request) is None and await other.replayed_elsewhere(request)

    async def down(signature: str) -> bool:
        raise ConnectionRefusedError("database down")

    alone = SlackSignatureChecker(SECRET, clock=lambda: NOW, shared=down)
    assert alone.check(body, request) is None and not await alone.replayed_elsewhere(request)
    assert alone.check(body, request) == "replayed request"  # its own memory still holds


async def test_a_database_outage_is_logged_once_a_minute_with_the_count_not_once_per_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [float(NOW)]

    async def down(signature: str) -> bool:
        raise ConnectionRefusedError("database down")

    alone = SlackSignatureChecker(SECRET, clock=lambda: now[0], shared=down)
    caplog.set_level(logging.WARNING, logger="bot.slack.signature")
    for second in range(0, 130, 2):  # a request every 2 s for over two minutes
        now[0] = NOW + second
        body = f"command=%2Fzoom&text=list&n={second}".encode()
        request = headers(str(int(now[0])), compute_signature(SECRET, str(int(now[0])), body))
        assert alone.check(body, request) is None and not await alone.replayed_elsewhere(request)
    lines = [r.getMessage() for r in caplog.records if "replay check on this process only" in r.getMessage()]
    assert len(lines) == 3  # at 0 s, 60 s and 120 s
    assert "ConnectionRefusedError" in lines[0] and "1 request(s)" in lines[0]
    assert "30 request(s)" in lines[1] and "30 request(s)" in lines[2]
