"""The live card and the meeting's thread: valid Block Kit whatever Zoom sends, no secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.slack.views.live_meeting import (
    BLOCK_SHARE_SUMMARY,
    CardState,
    Summary,
    live_card,
    markdown_to_mrkdwn,
    recording_ready,
    shared_summary_for_host,
    summary_for_host,
    summary_from_host_copy,
    summary_in_thread,
    transcript_ready,
)
from tests.slack.blockkit import assert_valid_blocks

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
JOIN = "https://zoom.us/j/81234567890?pwd=abc"


def test_each_card_state_is_valid_and_only_a_live_meeting_has_a_join_button() -> None:
    cards = {
        "waiting": live_card(CardState(81234567890, "Standup <team>", JOIN)),
        "started": live_card(CardState(81234567890, "Standup <team>", JOIN, "started", participants=200)),
        "ended": live_card(
            CardState(
                81234567890, "Standup", JOIN, "ended", 0, START, START + timedelta(minutes=42, seconds=10)
            )
        ),
    }
    for card in cards.values():
        assert_valid_blocks(card["blocks"])
    assert "in progress · 200 in the meeting" in str(cards["started"]) and "&lt;team&gt;" in str(
        cards["started"]
    )
    assert "ended · lasted 42 min" in str(cards["ended"])
    assert JOIN in str(cards["started"]) and JOIN not in str(cards["ended"])


def test_thread_posts_link_share_urls_only_when_they_are_https() -> None:
    assert "<https://zoom.us/rec/share/x|watch it here>" in str(
        recording_ready("Demo", "https://zoom.us/rec/share/x")
    )
    assert "javascript" not in str(transcript_ready("Demo", "javascript:alert(1)"))
    for body in (recording_ready("D", "https://zoom.us/rec/share/x"), transcript_ready("D", "")):
        assert_valid_blocks(body["blocks"])


def test_a_huge_summary_stays_within_slacks_limits_and_says_it_was_cut() -> None:
    content = "\n".join(f"## Topic {n}\n- **Point** {'word ' * 80}" for n in range(200))
    summary = Summary("Planning", "Meeting summary for Planning", content, "https://docs.zoom.us/doc/abc")
    for body in (summary_in_thread(summary), summary_for_host(summary, post_id=7, channel_id="G0SECRET")):
        assert_valid_blocks(body["blocks"])
        assert len(body["blocks"]) <= 50
        assert "the summary goes on" in str(body) and "docs.zoom.us/doc/abc" in str(body)
    host_copy = summary_for_host(summary, post_id=7, channel_id="G0SECRET")["blocks"]
    assert host_copy[-1]["block_id"] == BLOCK_SHARE_SUMMARY
    shared = summary_from_host_copy(host_copy)
    assert shared[0]["type"] == "header" and all(b.get("type") != "actions" for b in shared)
    assert_valid_blocks(shared_summary_for_host(host_copy, "G0SECRET")["blocks"])


def test_zoom_markdown_becomes_mrkdwn_with_slacks_escapes() -> None:
    text = markdown_to_mrkdwn("## Key **takeaways**\n- **Sarah** ships <b>&\n  - nested")
    assert text == "*Key takeaways*\n• *Sarah* ships &lt;b&gt;&amp;\n    • nested"


def test_a_card_with_a_slack_call_keeps_it_in_every_state_and_a_plain_join_link_while_joinable() -> None:
    call = {"type": "call", "call_id": "R0E69JAIF", "block_id": "slack_call"}
    for status in (None, "started", "ended"):
        ended_at = START + timedelta(minutes=5) if status == "ended" else None
        card = live_card(
            CardState(81234567890, "Standup", JOIN, status, 2, START, ended_at, call_id="R0E69JAIF")
        )
        assert_valid_blocks(card["blocks"])
        assert card["blocks"][1] == call  # right under the card's own line
        joinable = status != "ended"
        assert (JOIN in card["text"]) is joinable
        assert any("Not seeing the call?" in str(b) for b in card["blocks"]) is joinable
    plain = live_card(CardState(81234567890, "Standup", JOIN, "started"))
    assert not [b for b in plain["blocks"] if b["type"] == "call"] and JOIN not in plain["text"]
