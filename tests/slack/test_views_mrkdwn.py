"""mrkdwn helpers: escaping, date tokens with a fallback, links, safe truncation."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.mrkdwn import date_token, escape, format_meeting_id, link, truncate


def test_escape_touches_only_the_three_control_characters() -> None:
    assert escape("<!channel> & <@U1> *bold* _it_ \"q\" 'a'") == (
        "&lt;!channel&gt; &amp; &lt;@U1&gt; *bold* _it_ \"q\" 'a'"
    )


def test_date_token_has_epoch_tokens_and_a_fallback_in_the_callers_zone() -> None:
    moment = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    token = date_token(moment, fallback_tz=ZoneInfo("Europe/Berlin"))
    assert (
        token
        == f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|Thu 03 Dec 2026 at 14:00 CET>"
    )


def test_date_token_naive_is_utc_and_link_is_optional() -> None:
    token = date_token(datetime(2026, 1, 1, 0, 0), "{date}", link="https://example.com/a|b")
    assert token == "<!date^1767225600^{date}^https://example.com/a%7Cb|Thu 01 Jan 2026 at 00:00 UTC>"


def test_link_escapes_the_label_and_guards_the_url() -> None:
    assert (
        link("https://x.test/?a=1&b=2", "<@U1> & co") == "<https://x.test/?a=1&amp;b=2|&lt;@U1&gt; &amp; co>"
    )
    assert link("https://x.test/", "") == "<https://x.test/|https://x.test/>"


def test_truncate_never_splits_markup() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("abcdefghij", 5) == "abcd…"
    assert truncate("abc &amp; def", 7) == "abc …"
    assert truncate("see <https://example.com|here> now", 12) == "see …"
    assert truncate("anything", 0) == "" and truncate("anything", 1) == "…"


@given(st.text(max_size=200), st.integers(min_value=1, max_value=120))
def test_truncate_respects_the_limit_and_keeps_escapes_whole(text: str, limit: int) -> None:
    cut = truncate(escape(text), limit)
    assert len(cut) <= limit
    body = cut.removesuffix("…")
    assert "<" not in body and ">" not in body
    # every & that survives starts a whole entity
    for index, char in enumerate(body):
        if char == "&":
            assert body[index:].startswith(("&amp;", "&lt;", "&gt;"))


def test_meeting_ids_are_grouped_like_zoom_does() -> None:
    assert format_meeting_id(81234567890) == "812 3456 7890"
    assert format_meeting_id(8123456789) == "812 345 6789"
    assert format_meeting_id(812345678) == "812 345 678"
    assert format_meeting_id(42) == "42"
