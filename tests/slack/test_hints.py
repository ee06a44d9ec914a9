"""Every failure explained: what failed, Zoom's own words, and the exact next step — never a secret."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.refusals import Refusal, RefusalKind
from bot.services.when import WhenError
from bot.slack.hints import (
    SHARED_ACCESS_ARTICLE,
    USAGE,
    Hint,
    LinkStatus,
    UsageError,
    help_text,
    hint_for,
)
from bot.slack.mrkdwn import escape
from bot.slack.views import hint_blocks, hint_message
from bot.zoom.errors import NotLinkedError, Outcome, ZoomError, ZoomErrorKind

sys.path.insert(0, str(Path(__file__).parent))
from blockkit import assert_valid_message  # noqa: E402

START_URL = (
    "https://us02web.zoom.us/s/81234567890?zak=eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
)
RESPONSE_URL = "https://hooks.slack.com/commands/T1/123/AbCdEfGhIjKlMnOpQrStUvWx"
TOKEN = "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.eyJhdWQiOiJodHRwczovL29hdXRoLnpvb20udXMifQ.sig"


def zoom_error(kind: ZoomErrorKind, **fields: object) -> ZoomError:
    fields.setdefault("operation", "create a meeting")
    return ZoomError(kind=kind, **fields)  # type: ignore[arg-type]


def rendered(hint: Hint) -> str:
    return hint.text()


def test_not_linked_says_run_link() -> None:
    hint = hint_for(NotLinkedError("T1", "U1"), mode="user")
    assert "`/zoom link`" in hint.fix
    assert "T1" not in rendered(hint) and "U1" not in rendered(hint)


@pytest.mark.parametrize("code", [124, "invalid_grant"])
def test_auth_failure_says_relink(code: object) -> None:
    error = zoom_error(
        ZoomErrorKind.AUTH, status=401, code=code, message="Invalid access token.", tracking_id="t-1"
    )
    hint = hint_for(error, mode="user")
    assert hint.title == "Couldn't create a meeting"
    assert "expired or was revoked" in hint.what
    assert hint.why is not None and f"code {code}" in hint.why and "“Invalid access token.”" in hint.why
    assert "tracking id `t-1`" in hint.why
    assert "`/zoom link`" in hint.fix


def test_auth_failure_in_account_mode_points_to_the_admin_not_to_relinking() -> None:
    hint = hint_for(zoom_error(ZoomErrorKind.AUTH, status=401, code=124), mode="account")
    assert "Server-to-Server" in hint.fix and "/zoom link" not in hint.fix


def test_scope_hint_names_the_missing_scopes_from_zooms_message() -> None:
    message = "Invalid access token, does not contain scopes:[meeting:write:meeting, meeting:write]."
    hint = hint_for(zoom_error(ZoomErrorKind.SCOPE, status=400, code=4711, message=message), mode="user")
    assert "`meeting:write:meeting`" in hint.what and "`meeting:write`" in hint.what
    assert "Scopes" in hint.fix and "`/zoom link`" in hint.fix


def test_scope_hint_prefers_the_scopes_the_client_parsed() -> None:
    error = zoom_error(ZoomErrorKind.SCOPE, code=4700, missing_scopes=("user:read:list_users:admin",))
    hint = hint_for(error, mode="account")
    assert "`user:read:list_users:admin`" in hint.what
    assert "No relinking" in hint.fix


def test_user_not_found_depends_on_mode_and_code() -> None:
    user_mode = hint_for(zoom_error(ZoomErrorKind.USER_NOT_FOUND, code=1001), mode="user")
    assert "`/zoom unlink`" in user_mode.fix and "`/zoom link`" in user_mode.fix
    account_mode = hint_for(zoom_error(ZoomErrorKind.USER_NOT_FOUND, code=1001), mode="account")
    assert "Slack e-mail" in account_mode.what
    pending = hint_for(zoom_error(ZoomErrorKind.USER_NOT_FOUND, code=1120), mode="account")
    assert "invitation" in pending.what
    named = hint_for(
        zoom_error(ZoomErrorKind.USER_NOT_FOUND, code=1001, details={"user": "ghost@example.com"}),
        mode="account",
    )
    assert "`ghost@example.com`" in named.what and "`/zoom users`" in named.fix


def test_meeting_not_found_shows_the_id_and_points_to_list() -> None:
    error = zoom_error(
        ZoomErrorKind.MEETING_NOT_FOUND,
        status=404,
        code=3001,
        message="Meeting does not exist: 81234567890.",
        details={"meeting_id": "81234567890"},
    )
    hint = hint_for(error, mode="user", operation="cancel the meeting")
    assert hint.title == "Couldn't cancel the meeting"
    assert "`812 3456 7890`" in hint.what and "belongs to someone else" in hint.what
    assert "`/zoom list`" in hint.fix


def test_schedule_privilege_names_the_zoom_setting() -> None:
    message = "You cannot schedule a meeting for ada@example.com"
    hint = hint_for(zoom_error(ZoomErrorKind.SCHEDULE_PRIVILEGE, code=3000, message=message), mode="account")
    assert "Settings → Meeting → *Schedule Privilege*" in hint.fix
    assert "ada@example.com" in (hint.why or "")


def test_shared_access_links_zooms_article() -> None:
    message = "Authenticated user has not permitted access to the targeted resource."
    hint = hint_for(
        zoom_error(ZoomErrorKind.SHARED_ACCESS, status=403, code=403, message=message), mode="user"
    )
    assert f"<{SHARED_ACCESS_ARTICLE}|Allowing apps access to shared access permissions>" in hint.fix
    assert "`/zoom link`" in hint.fix


@pytest.mark.parametrize(("mode", "expected"), [("account", "`me`"), ("user", "user id")])
def test_mode_misuse_is_explained_as_a_bug_with_a_reference(mode: str, expected: str) -> None:
    hint = hint_for(zoom_error(ZoomErrorKind.MODE_MISUSE, code=4700), mode=mode)  # type: ignore[arg-type]
    assert "bug in zoombot" in hint.what and expected in hint.what
    assert hint.reference is not None and hint.reference in hint.fix


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (3003, "Not meeting host.", "not the host"),
        (
            3161,
            "Your user account is not allowed meeting hosting and scheduling capabilities.",
            "host or schedule",
        ),
        (200, "Only available for paid account", "paid Zoom plan"),
        (200, "No permission.", "role or plan"),
    ],
)
def test_permission_variants(code: int, message: str, expected: str) -> None:
    hint = hint_for(zoom_error(ZoomErrorKind.PERMISSION, code=code, message=message), mode="user")
    assert expected in hint.what and hint.fix


def test_rate_limited_says_when_to_retry() -> None:
    hint = hint_for(
        zoom_error(ZoomErrorKind.RATE_LIMITED, status=429, code=429, retry_after=12.2), mode="user"
    )
    assert hint.fix == "Try again in about 13 seconds."
    unknown = hint_for(zoom_error(ZoomErrorKind.RATE_LIMITED, status=429), mode="user")
    assert "few seconds" in unknown.fix


def test_daily_limit_gives_the_reset_time_as_a_date_token_in_the_readers_zone() -> None:
    reset = datetime(2026, 6, 11, 0, 0, tzinfo=UTC)
    error = zoom_error(ZoomErrorKind.DAILY_LIMIT, status=429, reset_at=reset)
    hint = hint_for(error, mode="user", tz=ZoneInfo("Europe/Berlin"))
    assert f"<!date^{int(reset.timestamp())}^" in hint.fix
    assert "|Thu 11 Jun 2026 at 02:00 CEST>" in hint.fix
    assert "00:00 UTC" in hint_for(zoom_error(ZoomErrorKind.DAILY_LIMIT), mode="user").fix


def test_a_daily_limit_the_bot_counted_itself_says_nothing_was_sent_and_when_to_retry() -> None:
    reset = datetime(2026, 6, 11, 0, 0, tzinfo=UTC)
    paced = zoom_error(ZoomErrorKind.DAILY_LIMIT, reset_at=reset, details={"paced": "yes"})
    hint = hint_for(paced, mode="user", tz=ZoneInfo("Europe/Berlin"))
    assert "did not send this request to Zoom" in hint.what
    assert hint.why is not None and "100 meeting creates and changes a day" in hint.why
    assert "Zoom answered" not in hint.text()  # Zoom was not asked
    assert hint.fix.startswith("Nothing was changed.") and f"<!date^{int(reset.timestamp())}^" in hint.fix
    # Zoom's own daily 429 keeps its explanation: what Zoom said, and Zoom's limit.
    zooms = hint_for(zoom_error(ZoomErrorKind.DAILY_LIMIT, status=429, reset_at=reset), mode="user")
    assert "You've reached Zoom's daily limit" in zooms.what and "HTTP 429" in (zooms.why or "")


@pytest.mark.parametrize(
    ("outcome", "status", "expected_what", "expected_fix"),
    [
        (Outcome.UNCHANGED, 503, "problem on its side", "Nothing was changed"),
        (Outcome.UNCHANGED, None, "couldn't reach Zoom", "Nothing was changed"),
        (Outcome.UNKNOWN, None, "couldn't reach Zoom", "Check `/zoom list`"),
        (Outcome.CHANGED, 502, "problem on its side", "did make the change"),
    ],
)
def test_unavailable_is_honest_about_what_changed(
    outcome: Outcome, status: int | None, expected_what: str, expected_fix: str
) -> None:
    hint = hint_for(zoom_error(ZoomErrorKind.UNAVAILABLE, status=status, outcome=outcome), mode="user")
    assert expected_what in hint.what and expected_fix in hint.fix


def test_operation_is_escaped_once() -> None:
    error = zoom_error(ZoomErrorKind.UNAVAILABLE, status=None, operation="move R&D sync")
    hint = hint_for(error, mode="user")
    assert hint.title == "Couldn't move R&D sync"
    assert "*Couldn't move R&amp;D sync*" in hint.text()
    assert "to move R&amp;D sync" in hint.what


def test_validation_lists_zooms_field_errors() -> None:
    error = zoom_error(
        ZoomErrorKind.VALIDATION, status=400, code=300, message="Validation Failed.",
        details={"start_time": "Invalid field."},
    )  # fmt: skip
    hint = hint_for(error, mode="user")
    assert "start_time: Invalid field." in hint.what and "“Validation Failed.”" in (hint.why or "")


def test_every_kind_has_its_own_explanation() -> None:
    whats = {}
    for kind in ZoomErrorKind:
        hint = hint_for(zoom_error(kind, status=400, code=1, message="m"), mode="user")
        assert hint.what and hint.fix and hint.why and "HTTP 400, code 1" in hint.why
        whats[kind] = hint.what
    assert len(set(whats.values())) == len(ZoomErrorKind)


def test_invalid_time_and_usage() -> None:
    when = hint_for(WhenError("That time is in the past.", "tomorrow 9am"), mode="user", operation="schedule")
    assert when.what == "That time is in the past."
    assert "`tomorrow 9am`" in when.fix and escape(USAGE["schedule"].syntax) in when.fix
    usage = hint_for(UsageError.for_subcommand("show", "Only the meeting id, please."), mode="user")
    assert "`/zoom show &lt;meeting-id&gt;`" in usage.fix and "`/zoom show 812 3456 7890`" in usage.fix


def test_unexpected_exception_apologises_with_a_reference_and_no_details() -> None:
    hint = hint_for(RuntimeError(f"boom {TOKEN} at line 42"), mode="user", operation="list meetings")
    text = rendered(hint)
    assert "something unexpected went wrong while trying to list meetings" in text
    assert hint.reference is not None and re.fullmatch(r"ERR-[0-9A-F]{8}", hint.reference)
    assert hint.reference in text
    assert "boom" not in text and "RuntimeError" not in text and "line 42" not in text
    assert hint_for(KeyError("x"), mode="user", reference="ERR-CAFE0001").reference == "ERR-CAFE0001"


def test_secrets_in_zooms_words_never_reach_the_reply() -> None:
    message = f"bad thing {START_URL} with token {TOKEN} reply to {RESPONSE_URL}"
    for kind in ZoomErrorKind:
        error = zoom_error(
            kind, status=400, code=300, message=message, details={"meeting_id": "1", "x": TOKEN}
        )
        text = rendered(hint_for(error, mode="user"))
        for secret in (START_URL, TOKEN, RESPONSE_URL, "zak=", "eyJ", "hooks.slack.com"):
            assert secret not in text, (kind, secret)


SAFE_TOKEN = re.compile(r"<(?:!date\^[^>|]*\|[^<>]*|https://support\.zoom\.com/[^|>]*\|[^<>]*)>")


def assert_no_raw_markup(text: str) -> None:
    stripped = SAFE_TOKEN.sub("", text)
    assert "<" not in stripped and ">" not in stripped, text
    assert not re.search(r"&(?!amp;|lt;|gt;)", stripped), text


@settings(max_examples=80, deadline=None)
@given(
    kind=st.sampled_from(list(ZoomErrorKind)),
    message=st.text(max_size=300)
    | st.sampled_from(["<!channel> & <@U123>", "<https://evil|click>", "a > b"]),
    code=st.one_of(st.none(), st.integers(), st.text(max_size=20)),
    operation=st.text(max_size=40),
    tracking=st.one_of(st.none(), st.text(max_size=40)),
)
def test_zoom_text_is_always_escaped(
    kind: ZoomErrorKind, message: str, code: int | str | None, operation: str, tracking: str | None
) -> None:
    error = ZoomError(kind, operation or "x", 400, code, message, tracking, details={"user": message})
    hint = hint_for(error, mode="user")
    assert_no_raw_markup(hint.text())
    blocks_text = json.dumps(hint_message(hint))
    assert "<!channel>" not in blocks_text and "<@U123>" not in blocks_text


def test_hint_blocks_are_valid_and_carry_all_three_parts() -> None:
    hint = hint_for(zoom_error(ZoomErrorKind.SCOPE, code=4711, message="scopes:[a:b]"), mode="user")
    blocks = hint_blocks(hint)
    joined = str(blocks)
    assert hint.what in joined and hint.fix in joined and (hint.why or "") in joined
    assert_valid_message(hint_message(hint))


def test_help_lists_only_commands_that_exist_in_this_mode() -> None:
    user_help = help_text(LinkStatus(linked=False))
    assert "`/zoom link`" in user_help and "isn't linked yet" in user_help
    assert "/zoom users" not in user_help
    for name, entry in USAGE.items():
        if not entry.account_only:
            assert entry.syntax.replace("<", "&lt;").replace(">", "&gt;") in user_help, name
    account_help = help_text(LinkStatus(linked=True, zoom_email="ada@example.com", account_mode=True))
    assert "/zoom users" in account_help and "/zoom user &lt;email&gt;" in account_help
    linked = help_text(LinkStatus(linked=True, zoom_email="a<b>@example.com"))
    assert "linked as `a&lt;b&gt;@example.com`" in linked


# --- zoombot's own refusals: our rule in our words, never quoted as Zoom's -----------------


@pytest.mark.parametrize("kind", list(RefusalKind))
def test_every_refusal_has_its_own_words_and_never_quotes_zoom(kind: RefusalKind) -> None:
    refusal = Refusal(kind, "cancel the meeting", meeting_id=81234567890, zoom_email="bob@example.com")
    hint = hint_for(refusal, mode="account", operation="cancel the meeting")
    assert hint.title == "Couldn't cancel the meeting" and hint.what and hint.why and hint.fix
    assert "Zoom answered" not in hint.text() and "Zoom gave" not in hint.text() and "“" not in hint.text()
    assert "bug in zoombot" not in hint.text() and hint.reference is None
    others = {k: hint_for(Refusal(k, "x"), mode="account").what for k in RefusalKind if k is not kind}
    assert hint.what not in others.values()


def test_not_yours_names_the_meeting_and_whose_it_is_not() -> None:
    hint = hint_for(
        Refusal(RefusalKind.NOT_YOURS, "move the meeting", meeting_id=81234567890, zoom_email="b<o>b@x.io"),
        mode="account",
    )
    assert hint.what.startswith("Meeting `812 3456 7890` isn't yours:")
    assert hint.what.endswith("not you (`b&lt;o&gt;b@x.io`).")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("Member", "Your Zoom role is *Member*, and only"),
        ("<!channel> Boss", "Your Zoom role is *&lt;!channel&gt; Boss*, and only"),
        ("", "Zoom names no role for you, and only"),
    ],
)
def test_not_a_zoom_admin_names_the_role_it_has_and_the_one_it_needs(role: str, expected: str) -> None:
    hint = hint_for(
        Refusal(RefusalKind.NOT_ZOOM_ADMIN, "list the account's users", role_name=role), mode="account"
    )
    assert hint.what.startswith(expected) and "*Owner* or *Admin* role" in hint.what
    assert_no_raw_markup(hint.text())
