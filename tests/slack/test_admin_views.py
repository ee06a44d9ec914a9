"""The admins' views: the user-change question and answer, and a full audit trail, as valid Block Kit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.audit import AuditRecord
from bot.services.user_admin import Question, UserChange
from bot.slack import views
from bot.zoom.models import ZoomUser
from tests.slack.blockkit import assert_valid_blocks

BOB = ZoomUser(
    "u1", "bob@example.com", "Bob", "<b>", "Bob <b>", 2, "UTC", None, "acc-1", "Member", "active", ""
)


def test_the_question_names_the_account_and_the_user_and_carries_the_change() -> None:
    change = UserChange("deactivate", "bob@example.com")
    asked = views.user_change_question(Question(change, "acc-1", BOB))
    assert_valid_blocks(asked["blocks"])
    text = str(asked["blocks"])
    assert "`acc-1`" in text and "*Bob &lt;b&gt;* (`bob@example.com`)" in text and "<b>" not in text
    [button] = [
        e for e in asked["blocks"][1]["elements"] if e["action_id"] == views.ACTION_USER_CHANGE_CONFIRM
    ]
    assert UserChange.parse(button["value"]) == change and button["style"] == "danger"


def test_a_forged_or_odd_button_value_reads_as_nothing() -> None:
    for value in ("", "delete|basic|a@b.co", "create|gold|a@b.co", "create|basic|not-an-email", "x" * 300):
        assert UserChange.parse(value) is None, value
    assert UserChange.parse("create|licensed|a@b.co") == UserChange("create", "a@b.co", licensed=True)


def test_a_hundred_long_entries_fit_one_valid_message_newest_first() -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    records = [
        AuditRecord(
            start + timedelta(minutes=n),
            "T1",
            "U0ALICE",
            "recording_trash",
            f"<!channel> {n} " + "x" * 280,
            "refused",
            "started 2026-12-01",
            "zoom 3301",
        )
        for n in range(100)
    ]
    shown = views.audit_list(records, viewer_tz=UTC, asked=100)
    assert_valid_blocks(shown["blocks"])
    assert len(shown["blocks"]) <= 50
    text = str(shown["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt; 0 " in text and "&lt;!channel&gt; 99 " in text
    assert "the last 100 actions" in shown["text"]
