"""A scripted sandbox session against the real bot, asserting on what the terminal shows.

The world is the real one (Zoom simulator, Slack stand-in, the bot under uvicorn, a
SQLite file); the clock is a manual one starting Monday 2030-01-07 08:00 in New York,
so `wait` lands exactly where the test wants it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox.session import SandboxSession
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator import ManualClock
from tests.kit.checked_world import checked_world

START = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)  # Mon 08:00 in New York
POLL = 3600.0  # the worker never polls on its own here: `wait` must catch it up (no timer guesses)


class Typist:
    """Answers for the questions a session asks mid-command (form fields, confirmations)."""

    def __init__(self, interactive: bool = False) -> None:
        self.answers: list[str] = []
        self._interactive = interactive

    @property
    def interactive(self) -> bool:
        return self._interactive

    async def read(self, prompt: str) -> str | None:
        return self.answers.pop(0) if self.answers else None


class Terminal:
    def __init__(self, world: OfflineWorld, clock: ManualClock, typist: Typist) -> None:
        self.lines: list[str] = []
        self.session = SandboxSession(world, clock=clock, source=typist, out=self.lines.append)
        self.typist = typist

    async def type(self, line: str, *answers: str) -> str:
        """Run ``line`` (answering follow-up questions with ``answers``); return what it printed."""
        self.typist.answers = list(answers)
        before = len(self.lines)
        assert await self.session.run_line(line)
        assert self.typist.answers == [], "not every answer was asked for"
        return "\n".join(self.lines[before:])


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[OfflineWorld, ManualClock]]:
    clock = ManualClock(START)
    async with checked_world(
        tmp_path, clock=clock, reminder_options={"poll_seconds": POLL, "digest_seconds": POLL}
    ) as w:
        yield w, clock


@pytest.fixture
def terminal(world: tuple[OfflineWorld, ManualClock]) -> Terminal:
    return Terminal(*world, Typist())


@pytest.fixture
async def card_terminal(tmp_path: Path) -> AsyncIterator[Terminal]:
    """A terminal whose live cards update as often as the sandbox's do."""
    from bot.sandbox.session import CARD_UPDATE_SECONDS

    clock = ManualClock(START)
    options = {"poll_seconds": POLL, "digest_seconds": POLL, "card_update_seconds": CARD_UPDATE_SECONDS}
    async with checked_world(tmp_path, clock=clock, reminder_options=options) as w:
        yield Terminal(w, clock, Typist())


def meeting_id(output: str, topic: str) -> str:
    match = re.search(rf"\*{re.escape(topic)}\*\n.*ID `([\d ]+)`", output)
    assert match, output
    return match.group(1)


async def test_link_new_schedule_list_remind_wait_cancel(
    terminal: Terminal, world: tuple[OfflineWorld, ManualClock]
) -> None:
    w, _ = world
    t = terminal
    assert t.session.banner() == "you are @alice (America/New_York) in #general"

    out = await t.type("/zoom link")
    assert out.startswith("[ephemeral to you]\n")
    assert re.search(r"\[1\] Link Zoom account → http://127\.0\.0\.1:\d+/oauth/authorize\?", out)

    out = await t.type("click 1")
    assert out.startswith("[browser] Zoom account linked")
    assert "alice@example.com is now linked" in out

    out = await t.type("/zoom new Standup")
    channel_post, _, host_only = out.partition("[ephemeral to you]")
    assert channel_post.startswith("[#general]\n  *Standup*")
    assert "[1] Join → https://" in channel_post and "zak=" not in channel_post
    assert "[2] Start as host → https://" in host_only  # the host's own link, only to the host

    # The schedule form: every input asked in turn, the bot's reply rendered after submitting.
    out = await t.type("/zoom schedule", "Design review", "tomorrow", "10:00", "2", "", "", "#design")
    assert "[modal]\n  ┌ Schedule a meeting" in out
    assert "  1) 15 min" in out  # the duration choices are listed by number
    assert out.count("[ephemeral to you]") == 1
    assert "Design review" in out.split("[ephemeral to you]")[1]

    out = await t.type("/zoom list")
    assert "== Your meetings in the next 7 days ==" in out
    assert "*Standup*" in out and "*Design review*" in out
    review = meeting_id(out, "Design review")
    assert "Tue 08 Jan 2030 at 10:00 EST" in out  # the date token's fallback, in alice's zone

    out = await t.type(f"/zoom remind {review} 15m #design")  # the sandbox escapes #design as Slack does
    assert out.startswith("[ephemeral to you]") and "#design" in out, out
    assert ":warning:" not in out

    out = await t.type("/zoom reminders")
    assert "15 min before" in out

    # Tomorrow 10:00 New York is 15:00 UTC; its 15-minute reminder is due at 14:45. One
    # minute past that (and before the form's own 10-minute reminder at 14:50):
    out = await t.type("wait 1d1h46m")
    assert out.startswith("[clock] fast-forwarded 1d1h46m: it is now Tue 08 Jan 09:46 (America/New_York)")
    posted = out.split("[#design]", 1)
    assert len(posted) == 2, out
    assert ":alarm_clock: *Design review* starts" in posted[1]
    assert "(in 14 minutes)" in posted[1]
    assert "[1] Join → https://" in posted[1]

    out = await t.type(f"/zoom cancel {review}")
    assert "[1] Cancel meeting   [2] Keep it" in out
    out = await t.type("click 1")
    assert "[ephemeral to you, replacing the message above]" in out
    assert [m.topic for m in w.sim.meetings_of("alice@example.com")] == ["Standup"]
    out = await t.type("/zoom reminders")
    assert "Design review" not in out

    assert not t.session.failed, "\n".join(t.lines)
    assert not await t.session.run_line("quit")
    assert_no_secrets_shown(w, "\n".join(t.lines))


def assert_no_secrets_shown(w: OfflineWorld, shown: str) -> None:
    """Nothing of the bot's own shows: tokens, client secrets, keys, response URLs.
    (The host's start link is the host's own and is shown to them on purpose.)"""
    settings = w.settings
    secrets = [s for s in w.sim.issued_secrets() if not s.startswith("simzak_")]
    secrets += [settings.SLACK_SIGNING_SECRET, settings.SLACK_BOT_TOKEN, settings.ZOOM_CLIENT_SECRET]
    secrets += [settings.ZOOM_WEBHOOK_SECRET_TOKEN, *settings.TOKEN_ENCRYPTION_KEY]
    assert len(secrets) > 6
    for secret in secrets:
        assert secret and secret not in shown
    assert "/response/" not in shown


async def test_wait_brings_the_morning_digest(terminal: Terminal) -> None:
    t = terminal
    await t.type("/zoom link")
    await t.type("click 1")
    await t.type('/zoom schedule "Planning" today 11am for 30m')
    out = await t.type("/zoom digest on 08:30")
    assert ":warning:" not in out
    assert "[DM]" not in await t.type("wait 29m")  # 08:29 on Monday: not yet
    out = await t.type("wait 2m")
    assert "[DM]" in out, out
    assert "Planning" in out.split("[DM]", 1)[1]
    assert not t.session.failed


async def test_errors_are_shown_and_remembered(terminal: Terminal) -> None:
    t = terminal
    out = await t.type("/zoom list")
    assert out.startswith("[ephemeral to you]\n  :warning: *Zoom isn't linked yet*")
    assert "/zoom link" in out
    assert t.session.failed

    t.session.failed = False
    out = await t.type("/zoom frobnicate")  # a usage error rides on the ack itself
    assert out.startswith("[ephemeral to you]\n  :warning:")
    assert "Usage" in out
    assert t.session.failed

    for line, problem in [
        ("click 3", "sandbox: no button [3] (none are showing)"),
        ("as zed", "sandbox: nobody called 'zed' here; try alice, bob, carol"),
        ("in #nowhere", "sandbox: no channel '#nowhere' here"),
        ("wait a bit", "sandbox: say how long"),
        ("/remind me", "sandbox: only /zoom is installed"),
        ("dance", "sandbox: unknown command 'dance'"),
    ]:
        t.session.failed = False
        assert (await t.type(line)).startswith(problem)
        assert t.session.failed, line


async def test_as_and_in_change_who_acts_and_where(
    terminal: Terminal, world: tuple[OfflineWorld, ManualClock]
) -> None:
    w, _ = world
    t = terminal
    assert await t.type("as @bob") == "you are @bob (Europe/Berlin) in #general"
    assert await t.type("in design") == "you are @bob (Europe/Berlin) in #design"
    assert t.session.prompt == "@bob in #design> "
    out = await t.type("/zoom help")
    assert out.startswith("[ephemeral to you]")
    (reply,) = [m for m in w.standin.messages if m.kind == "response"]
    assert (reply.user, reply.channel) == ("U0BOB", "C0DESIGN")

    out = await t.type("home")
    assert out.startswith("[home]\n  == Zoom ==")
    assert "[1] Link Zoom account" in out
    out = await t.type("click 1")  # the Home tab's button: the bot answers with the link prompt
    assert "Link Zoom account →" in out


async def test_a_modal_can_be_closed_and_bad_answers_are_asked_again(terminal: Terminal) -> None:
    t = terminal
    await t.type("/zoom link")
    await t.type("click 1")
    out = await t.type("/zoom schedule", "Retro", "someday", "tomorrow", "noonish", "11am", "", "", "!cancel")
    assert "! type a date like 2030-01-31" in out
    assert "! type a time like 09:30" in out
    assert out.rstrip().endswith("[modal] closed without submitting")
    assert t.session.failed  # a script that leaves a form unfinished did not do what it said


async def test_a_confirm_dialog_is_asked_at_a_terminal(world: tuple[OfflineWorld, ManualClock]) -> None:
    t = Terminal(*world, Typist(interactive=True))
    await t.type("/zoom link")
    await t.type("click 1")
    out = await t.type("home")
    assert "[2] Unlink Zoom" in out
    out = await t.type("click 2", "n")
    dialog = "Unlink Zoom? — zoombot's access to your Zoom account will be revoked. [Unlink / Keep it]"
    assert out == f"[confirm] {dialog}\n(not pressed)"
    out = await t.type("click 2", "y")
    assert "[home]" in out and "[1] Link Zoom account" in out  # unlinked: the tab offers linking again


async def test_playing_zoom_shows_the_live_card_and_its_thread(card_terminal: Terminal) -> None:
    terminal = card_terminal
    await terminal.type("/zoom link")
    await terminal.type("click 1")
    posted = await terminal.type("/zoom new Standup")
    assert "📞 Slack call: Standup · 0 in the call" in posted and "Not seeing the call?" in posted
    started = await terminal.type("meeting start")
    assert "in progress · nobody in the meeting yet" in started
    assert "📞 Slack call: Standup · 0 in the call" in started
    joined = await terminal.type("meeting join bob")
    assert "[zoom] Bob Example joined meeting" in joined and "in progress · 1 in the meeting" in joined
    assert "📞 Slack call: Standup · 1 in the call" in joined
    crowd = await terminal.type("meeting crowd 40")
    assert "[#general, edited]" in crowd and crowd.rstrip().count("in progress · 41 in the meeting") == 1
    assert "in progress · 40 in the meeting" in await terminal.type("meeting leave bob")
    await terminal.type("wait 42m")
    ended = await terminal.type("meeting end")
    assert "ended · lasted 42 min" in ended and "Join" not in ended
    assert "📞 Slack call: Standup · ended after 42 min" in ended
    recorded = await terminal.type("meeting record")
    assert "[#general, in the thread]" in recorded and "watch it here (https://zoom.us/rec/share/" in recorded
    summary = await terminal.type("meeting summary")
    assert "[#general, in the thread]" in summary and "== Summary: Meeting summary for Standup ==" in summary
    problem = await terminal.type("meeting join")
    assert problem.startswith("sandbox: try `meeting start`") and terminal.session.failed


async def test_meeting_end_then_wait_brings_the_attendance_into_the_thread(card_terminal: Terminal) -> None:
    terminal = card_terminal
    await terminal.type("/zoom link")
    await terminal.type("click 1")
    await terminal.type("/zoom new Standup")
    await terminal.type("meeting start")
    await terminal.type("meeting join bob")
    await terminal.type("meeting join Guest Person")
    await terminal.type("wait 20m")
    await terminal.type("meeting end")
    early = await terminal.type("wait 1m")  # Zoom has no list yet: nothing comes
    assert "Attendance" not in early
    arrived = await terminal.type("wait 3m")
    assert "[#general, in the thread]" in arrived and "== Attendance: Standup ==" in arrived
    assert "*2 people* attended" in arrived and "Bob Example (20 min)" in arrived
    assert "@example.com" not in arrived
    assert "Attendance" not in await terminal.type("wait 2h")  # posted once
    switched = await terminal.type("/zoom attendance off")
    assert "[#general]\n  @alice turned attendance off" in switched and "[ephemeral to you]" in switched
    assert not terminal.session.failed


async def test_paste_a_join_link_shows_the_preview_to_a_linked_poster(
    terminal: Terminal, world: tuple[OfflineWorld, ManualClock]
) -> None:
    w, _ = world
    await terminal.type("/zoom link")
    await terminal.type("click 1")
    posted = await terminal.type("/zoom new Standup")
    join_url = w.sim.meetings_of("alice@example.com")[0].join_url
    assert f"[1] Join → {join_url}" in posted
    shown = await terminal.type("paste join us: [1]")
    assert f"[#general, @alice wrote]\n  join us: {join_url}" in shown
    assert "[#general, preview of the link @alice posted]" in shown
    assert f"↳ {join_url}" in shown and "│ *Standup*" in shown and "Host: Alice Example" in shown
    assert f"[1] Join → {join_url}" in shown and "zak=" not in shown
    assert not terminal.session.failed


async def test_paste_by_an_unlinked_person_shows_only_them_a_prompt(
    terminal: Terminal, world: tuple[OfflineWorld, ManualClock]
) -> None:
    w, _ = world
    await terminal.type("/zoom link")
    await terminal.type("click 1")
    await terminal.type("/zoom new Standup")
    join_url = w.sim.meetings_of("alice@example.com")[0].join_url
    await terminal.type("as bob")
    shown = await terminal.type(f"paste {join_url}")
    assert "[#general, @bob wrote]" in shown and "preview of the link" not in shown
    assert "[ephemeral to you]" in shown and "/zoom link" in shown and "Standup" not in shown
    plain = await terminal.type("paste no links here")
    assert plain.strip() == "[#general, @bob wrote]\n  no links here"
    assert "no link button [7]" in await terminal.type("paste [7]")


async def test_join_posts_in_the_channel_and_help_lists_it(terminal: Terminal) -> None:
    await terminal.type("/zoom link")
    await terminal.type("click 1")
    assert "/zoom join <meeting-id> | /zoom join me" in await terminal.type("/zoom help")
    shown = await terminal.type("/zoom join me")
    assert "[#general]" in shown and "Alice Example's personal meeting room" in shown
    assert "paste <text>" in await terminal.type("help")


async def test_shortcuts_from_the_prompt(terminal: Terminal) -> None:
    t = terminal
    await t.type("/zoom link")
    await t.type("click 1")
    await t.type("paste Quarterly *roadmap* review")
    out = await t.type("shortcut message")
    assert out.startswith("[#general, in the thread]\n  *Quarterly roadmap review*")
    out = await t.type("shortcut schedule", "Offsite", "tomorrow", "11:00", "2", "", "", "")
    assert "[modal]\n  ┌ Schedule a meeting" in out and "Offsite" in out
    out = await t.type("shortcut sideways")
    assert "unknown command" in out


async def test_the_form_repeats_and_a_workflow_runs_the_zoom_step(terminal: Terminal) -> None:
    t = terminal
    await t.type("/zoom link")
    await t.type("click 1")
    # Repeats: 2) Every weekday; tomorrow is Tuesday 8 January 2030 in alice's zone.
    out = await t.type("/zoom schedule", "Standup", "tomorrow", "09:00", "1", "", "2", "")
    assert "  2) Every weekday (Mon–Fri)" in out and "every weekday" in out
    (standup,) = t.session.world.sim.meetings_of("alice@example.com")
    assert (
        standup.type == 8
        and standup.recurrence is not None
        and standup.recurrence["weekly_days"] == "2,3,4,5,6"
    )

    out = await t.type('workflow run topic="Customer call" start=+2h duration=45')
    assert out.startswith("[workflow] step completed") and "join_url   = https://" in out
    call = next(m for m in t.session.world.sim.meetings_of("alice@example.com") if m.topic == "Customer call")
    assert f"meeting_id = {call.id}" in out and call.duration == 45
    assert "Tue 08 Jan 2030" not in out and "Mon 07 Jan 2030 10:00 EST" in out  # START + 2h, alice's zone
    assert not t.session.failed

    out = await t.type("workflow run topic=Sync host=@carol")
    assert out.startswith("[workflow] step failed: The meeting's host hasn't linked Zoom.")
    assert "carol runs `/zoom link`" in out and t.session.failed
    out = await t.type("workflow run start=+1h")
    assert "give the meeting a topic" in out


async def test_status_sync_follows_the_hosts_meeting(tmp_path: Path) -> None:
    clock = ManualClock(START)
    async with checked_world(
        tmp_path, clock=clock, reminder_options={"poll_seconds": POLL, "digest_seconds": POLL}
    ) as w:
        w.standin.set_own_status("U0ALICE", "Focusing", ":headphones:")
        terminal = Terminal(w, clock, Typist())
        await terminal.type("/zoom link")
        await terminal.type("click 1")
        offer = await terminal.type("/zoom status on")
        assert "Allow in Slack" in offer
        consent = await terminal.type("click 1")
        assert "[browser] Status sync is on" in consent
        assert "Status sync is *on*" in await terminal.type("/zoom status show")
        await terminal.type("/zoom new Standup")
        started = await terminal.type("meeting start")
        assert "[slack] alice's status: :video_camera: In a Zoom meeting" in started
        ended = await terminal.type("meeting end")
        assert "[slack] alice's status: :headphones: Focusing" in ended
        assert "Status sync is *off*" in await terminal.type("/zoom status off")
