"""The sandbox renderer on its own: Block Kit and mrkdwn in, terminal text out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.render import (
    Names,
    confirm_dialog,
    message_label,
    mrkdwn_to_text,
    page_summary,
    render_blocks,
    render_content,
    render_message,
    render_view,
)
from bot.sandbox.slack_standin import Channel, Message, SlackCallRecord
from bot.slack.hints import LinkStatus
from bot.slack.mrkdwn import date_token, escape, link
from bot.slack.views import cancel_confirm, help_message, link_prompt, meeting_list
from bot.slack.views.schedule_form import schedule_modal

NAMES = Names(
    channel={"C0DESIGN": "design"}.get,
    user={"U0BOB": "bob"}.get,
)


def test_date_tokens_show_their_fallback() -> None:
    start = datetime(2030, 1, 8, 15, 0, tzinfo=UTC)
    token = date_token(start, fallback_tz=ZoneInfo("America/New_York"))
    assert mrkdwn_to_text(f"starts {token}!") == "starts Tue 08 Jan 2030 at 10:00 EST!"
    # With a link part, the fallback is still what shows.
    linked = date_token(start, fallback_tz=UTC, link="https://example.com/a?b=1&c=2")
    assert mrkdwn_to_text(linked) == "Tue 08 Jan 2030 at 15:00 UTC"


def test_links_show_label_and_url() -> None:
    assert mrkdwn_to_text(link("https://zoom.us/j/1?pwd=a&b", "Join")) == "Join (https://zoom.us/j/1?pwd=a&b)"
    assert mrkdwn_to_text("see <https://example.com>") == "see https://example.com"
    assert mrkdwn_to_text("<mailto:a@b.co|a@b.co>") == "a@b.co (mailto:a@b.co)"
    assert mrkdwn_to_text("<https://example.com|https://example.com>") == "https://example.com"


def test_mentions_use_names_when_known() -> None:
    text = "to <#C0DESIGN>, <#C0GENERAL|general>, <#C0NOPE>, <@U0BOB>, <@U0X|xavier>, <!here>"
    assert mrkdwn_to_text(text, NAMES) == "to #design, #general, #C0NOPE, @bob, @xavier, @here"
    assert mrkdwn_to_text("<!subteam^S1|@design-team> look") == "@design-team look"


def test_escapes_are_undone_once() -> None:
    assert mrkdwn_to_text(escape('R&D <ops> & "friends"')) == 'R&D <ops> & "friends"'
    # Text that *contains* an escape sequence keeps it: "&amp;lt;" means a literal "&lt;".
    assert mrkdwn_to_text(escape("&lt;")) == "&lt;"
    # Escaped angle brackets are not mistaken for tokens.
    assert mrkdwn_to_text("&lt;https://not-a-link&gt;") == "<https://not-a-link>"


def test_buttons_are_numbered_in_reading_order_from_the_given_start() -> None:
    meetings = [_Meeting(81234567890, "Standup"), _Meeting(81234567891, "Retro & <fun>")]
    reply = meeting_list(meetings, viewer_tz=UTC, title="Your meetings")
    rendered = render_blocks(reply["blocks"], first_number=3)
    assert [b.label for b in rendered.buttons] == ["Join", "Join"]
    assert [b.url for b in rendered.buttons] == [m.join_url for m in meetings]
    text = rendered.text
    assert "== Your meetings ==" in text
    assert "[3] Join → https://zoom.example/j/81234567890" in text
    assert "[4] Join → https://zoom.example/j/81234567891" in text
    assert "*Retro & <fun>*" in text  # unescaped for display
    assert "ID `812 3456 7891`" in text


def test_action_buttons_keep_value_and_confirm() -> None:
    reply = cancel_confirm(_Meeting(81234567890, "Standup"))
    rendered = render_blocks(reply["blocks"])
    confirm, keep = rendered.buttons
    assert (confirm.label, confirm.action_id, confirm.value, confirm.url) == (
        "Cancel meeting",
        "cancel_meeting_confirm",
        "81234567890",
        None,
    )
    assert keep.action_id == "cancel_meeting_abort"
    assert "[1] Cancel meeting   [2] Keep it" in rendered.text


def test_sections_fields_context_dividers_and_headers() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Standup"}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*When*\nTue 08 Jan"},
                {"type": "mrkdwn", "text": "*Meeting ID*\n`812 3456 7890`"},
            ],
        },
        {"type": "divider"},
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "a &amp; b"}, {"type": "plain_text", "text": "c"}],
        },
        {"type": "rich_text", "elements": []},
    ]
    lines = render_blocks(blocks).lines
    assert lines[0] == "== Standup =="
    assert lines[1:3] == ["• *When* Tue 08 Jan", "• *Meeting ID* `812 3456 7890`"]
    assert lines[3].startswith("────")
    assert lines[4] == "  a & b · c"
    assert lines[5] == "[rich_text block]"


def test_text_only_messages_and_help() -> None:
    assert render_content("hi &lt;there&gt;", None).lines == ["hi <there>"]
    rendered = render_content(**help_message(LinkStatus(linked=False)))
    assert "== Zoom from Slack ==" in rendered.text
    assert "/zoom link" in rendered.text
    assert rendered.buttons == []


def test_link_prompt_is_a_url_button() -> None:
    rendered = render_content(**link_prompt("http://127.0.0.1:1/oauth/authorize?state=s&x=1"))
    (button,) = rendered.buttons
    assert button.url == "http://127.0.0.1:1/oauth/authorize?state=s&x=1"
    assert "[1] Link Zoom account → http://127.0.0.1:1/oauth/authorize?state=s&x=1" in rendered.text


def test_modal_shows_title_inputs_and_submit() -> None:
    view = schedule_modal(initial_channel=None, tz_name="America/New_York", private_metadata="{}")
    rendered = render_view(view)
    assert rendered.lines[0] == "┌ Schedule a meeting"
    assert "Topic: [plain_text_input, placeholder 'Design review']" in rendered.lines
    assert "Time (America/New_York): [timepicker]" in rendered.lines
    assert "Agenda (optional): [plain_text_input]" in rendered.lines
    assert rendered.lines[-1] == "└ [Schedule]  [Cancel]"


def test_confirm_dialog_reads_as_one_line() -> None:
    confirm = {
        "title": {"type": "plain_text", "text": "Unlink Zoom?"},
        "text": {"type": "plain_text", "text": "Access will be revoked."},
        "confirm": {"type": "plain_text", "text": "Unlink"},
        "deny": {"type": "plain_text", "text": "Keep it"},
    }
    assert confirm_dialog(confirm) == "Unlink Zoom? — Access will be revoked. [Unlink / Keep it]"


def test_page_summary_reads_title_and_paragraphs() -> None:
    from bot.pages import render_page

    page = render_page("Linked & ready", ["You <b>are</b> linked.", "Go back."], ok=True)
    title, paragraphs = page_summary(page)
    assert title == "Linked & ready · zoombot"
    assert paragraphs[:2] == ["You <b>are</b> linked.", "Go back."]


class _Meeting:
    """Just enough of a meeting for the view builders."""

    def __init__(self, meeting_id: int, topic: str) -> None:
        self.id = meeting_id
        self.topic = topic
        self.join_url = f"https://zoom.example/j/{meeting_id}"
        self.start_url = None
        self.start_time = datetime(2030, 1, 8, 15, 0, tzinfo=UTC)
        self.duration = 30
        self.type = 2
        self.agenda = None
        self.timezone = "UTC"
        self.status = "waiting"
        self.occurrences: list[object] = []


GENERAL = Channel("C0GENERAL", "general")
DESIGN = Channel("C0DESIGN", "design")
ALICE_DM = Channel("D1", "U0ALICE", is_im=True, im_user="U0ALICE")
BOB_DM = Channel("D2", "U0BOB", is_im=True, im_user="U0BOB")


@pytest.mark.parametrize(
    ("message", "channel", "label"),
    [
        (Message("ephemeral", "C0GENERAL", "1", user="U0ALICE"), GENERAL, "[ephemeral to you]"),
        (Message("ephemeral", "C0DESIGN", "1", user="U0ALICE"), DESIGN, "[ephemeral to you in #design]"),
        (Message("ephemeral", "C0GENERAL", "1", user="U0BOB"), GENERAL, "[ephemeral to @bob]"),
        (
            Message("response", "C0GENERAL", "1", user="U0ALICE", response_type="ephemeral"),
            GENERAL,
            "[ephemeral to you]",
        ),
        (Message("response", "C0GENERAL", "1", response_type="in_channel"), GENERAL, "[#general]"),
        (Message("post", "C0DESIGN", "1"), DESIGN, "[#design]"),
        (Message("post", "D1", "1"), ALICE_DM, "[DM]"),
        (Message("post", "D2", "1"), BOB_DM, "[DM to @bob]"),
        (Message("update", "C0GENERAL", "1"), GENERAL, "[#general, edited]"),
        (Message("post", "C0GENERAL", "2", thread_ts="1"), GENERAL, "[#general, in the thread]"),
        (Message("delete", "C0GENERAL", "1"), GENERAL, "[#general] (a message was deleted)"),
        (
            Message("response", "C0GENERAL", "1", user="U0ALICE", replace_original=True),
            GENERAL,
            "[ephemeral to you, replacing the message above]",
        ),
        (
            Message("response", "C0GENERAL", "1", user="U0ALICE", delete_original=True),
            GENERAL,
            "[ephemeral to you] (a message was deleted)",
        ),
    ],
)
def test_labels_say_where_a_message_is_and_who_sees_it(
    message: Message, channel: Channel, label: str
) -> None:
    assert message_label(message, channel, viewer="U0ALICE", viewer_channel="C0GENERAL", names=NAMES) == label


def test_an_unfurl_renders_its_previews_with_numbered_buttons() -> None:
    join = {
        "type": "button",
        "text": {"type": "plain_text", "text": "Join"},
        "action_id": "j",
        "url": "https://z/j/1",
    }
    preview = {
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Standup*"}, "accessory": join}]
    }
    message = Message(
        "unfurl", "C0GENERAL", "1", text="https://z/j/1", author="U0ALICE", unfurls={"https://z/j/1": preview}
    )
    rendered = render_message(message, first_number=3)
    assert rendered.lines == ["↳ https://z/j/1", "│ *Standup*", "│   [3] Join → https://z/j/1"]
    assert [b.url for b in rendered.buttons] == ["https://z/j/1"]
    names = Names(user=lambda uid: {"U0ALICE": "alice"}.get(uid))
    label = message_label(message, GENERAL, viewer="U0BOB", viewer_channel="C0GENERAL", names=names)
    assert label == "[#general, preview of the link @alice posted]"
    post = Message("post", "C0GENERAL", "1", text="hi", author="U0ALICE")
    assert message_label(post, GENERAL, viewer="U0BOB", viewer_channel="C0GENERAL", names=names) == (
        "[#general, @alice wrote]"
    )


def test_a_call_block_shows_the_call_as_slack_has_it_now() -> None:
    call = SlackCallRecord("R1", "uuid", "https://zoom.us/j/1", "U1", 0, title="Standup")
    names = Names(call={"R1": call}.get)
    blocks = [{"type": "call", "call_id": "R1"}]
    assert render_blocks(blocks, names=names).text == "📞 Slack call: Standup · 0 in the call"
    call.users.append({"slack_id": "U2"})
    assert render_blocks(blocks, names=names).text == "📞 Slack call: Standup · 1 in the call"
    call.date_end, call.duration = 2520, 2520
    assert render_blocks(blocks, names=names).text == "📞 Slack call: Standup · ended after 42 min"
    assert render_blocks([{"type": "call", "call_id": "R9"}]).text == "📞 Slack call R9"
